import { formatCount } from '../lib/format';

export function Pager({
  total,
  limit,
  offset,
  onOffset,
  label,
}: {
  total: number;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
  label: string;
}) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <span aria-live="polite">
        {total === 0
          ? `No ${label}`
          : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${label}`}
      </span>
      <button type="button" onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
        Previous page
      </button>
      <button type="button" onClick={() => onOffset(offset + limit)} disabled={offset + limit >= total}>
        Next page
      </button>
    </nav>
  );
}
