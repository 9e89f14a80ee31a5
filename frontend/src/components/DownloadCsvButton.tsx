import { useState } from 'react';
import { csvFileName, downloadCsv, toCsv, type CsvColumn } from '../lib/csv';
import { ErrorNotice } from './ErrorNotice';

/** Downloads the whole list (every page that matches the filters), not just what is shown. */
export function DownloadCsvButton<T>({
  list,
  columns,
  rows,
  label = 'Download CSV',
}: {
  list: string;
  columns: readonly CsvColumn<T>[];
  rows: () => Promise<readonly T[]> | readonly T[];
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      downloadCsv(csvFileName(list), toCsv(columns, await rows()));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={() => void download()} disabled={busy}>
        {busy ? 'Preparing CSV…' : label}
      </button>
      <ErrorNotice error={error} prefix="The download failed" />
    </>
  );
}
