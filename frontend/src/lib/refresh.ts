// The CUR refresh's status in words (GET /cur/refresh/status): progress while it runs, the
// outcome and the last refresh once it is over.
import type { RefreshStatusRead } from '../client';
import { formatCount, formatDateTime } from './format';

const STAGES: Record<string, string> = {
  starting: 'Starting',
  unchanged: 'Checking for unchanged periods',
  download: 'Downloading files',
  probe: 'Reading file headers',
  aggregate: 'Reading the CUR',
  tags: 'Reading tags',
  line_items: 'Writing line items',
  accounts: 'Writing billing periods',
  done: 'Done',
};

/** "Reading the CUR: 3 of 12 · periods 2 of 9 · 1,234,567 rows read". */
export function describeProgress(status: RefreshStatusRead): string {
  const stage = STAGES[status.stage] ?? status.stage;
  const parts = [
    status.total > 0 && status.stage !== 'accounts' ? `${stage}: ${status.done} of ${status.total}` : stage,
  ];
  if (status.periods_total > 0) parts.push(`periods ${status.periods_done} of ${status.periods_total}`);
  parts.push(`${formatCount(status.rows_read)} rows read`);
  return parts.join(' · ');
}

/** A duration in seconds as "0.4 s", "12 s" or "3 min 5 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** "2 Dec 2026, 09:00 by Frank Finance: 9 periods, 240,000 rows in 4.2 s" (or why it failed). */
export function describeRefresh(status: RefreshStatusRead): string {
  const when = formatDateTime(status.finished_at ?? status.started_at);
  const head = `${when} by ${status.by}`;
  if (status.state === 'running') return `Running since ${formatDateTime(status.started_at)} (${status.by})`;
  if (status.state === 'failed') return `${head}: failed${status.message ? ` — ${status.message}` : ''}`;
  const periods = `${status.periods.length} period${status.periods.length === 1 ? '' : 's'}`;
  const took = status.duration_seconds === null ? '' : ` in ${formatDuration(status.duration_seconds)}`;
  return `${head}: ${periods}, ${formatCount(status.rows_read)} rows${took}`;
}
