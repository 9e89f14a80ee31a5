import type { ReactNode } from 'react';
import type { CsvColumn } from '../lib/csv';
import { DownloadCsvButton } from './DownloadCsvButton';

/** A section's `<h2>` with its "Download CSV" button beside it (hidden while `csv` is false). */
export function SectionHead<T>({
  id,
  title,
  list,
  columns,
  rows,
  csv = true,
}: {
  id: string;
  title: ReactNode;
  list: string;
  columns: readonly CsvColumn<T>[];
  rows: () => Promise<readonly T[]> | readonly T[];
  csv?: boolean;
}) {
  return (
    <div className="page-head">
      <h2 id={id}>{title}</h2>
      {csv ? <DownloadCsvButton list={list} columns={columns} rows={rows} /> : null}
    </div>
  );
}
