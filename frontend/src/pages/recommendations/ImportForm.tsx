import { useRef, useState, type FormEvent } from 'react';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { UploadProblems } from '../../components/RowErrorsTable';
import { formatCount } from '../../lib/format';
import { rowErrors } from '../../lib/problem';
import { useImportRecommendations } from './hooks';

/** Upload a Cost Optimization Hub export (parquet or CSV), all or nothing. */
export function ImportForm() {
  const upload = useImportRecommendations();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileName, setFileName] = useState('');
  const problems = rowErrors(upload.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setFileName(file.name);
    upload.mutate(file, {
      onSuccess: () => {
        setFile(null);
        if (input.current) input.current.value = '';
      },
    });
  }

  const r = upload.data;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="recs-import-title">
      <h2 id="recs-import-title">Import the Cost Optimization Hub export</h2>
      <p className="hint" id="recs-import-hint">
        The AWS Data Exports &quot;Cost Optimization Recommendations&quot; table, parquet or CSV.
        Recommendations are matched across imports by resource, action and target (their ids rotate), so
        decisions are kept; those gone from the export are marked resolved. A file with a missing column or a
        bad value changes nothing.
      </p>
      <div className="field">
        <label htmlFor="recs-import-file">Export file</label>
        <input
          id="recs-import-file"
          ref={input}
          type="file"
          accept=".parquet,.csv,.gz"
          aria-describedby="recs-import-hint"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Importing…' : 'Import'}
        </button>
      </div>
      {problems.length === 0 ? <ErrorNotice error={upload.error} prefix="Not imported" /> : null}
      <UploadProblems problems={problems} fileName={fileName} list="recommendation-import-problems" />
      {r ? (
        <SuccessNotice>
          {r.source}: {formatCount(r.created)} new, {formatCount(r.updated)} updated,{' '}
          {formatCount(r.unchanged)} unchanged, {formatCount(r.resolved)} resolved,{' '}
          {formatCount(r.reappeared)} back; {formatCount(r.duplicates)} duplicate rows dropped;{' '}
          {formatCount(r.not_in_cur)} not in the CUR
          {r.unknown_action_types.length
            ? `; unknown action types: ${r.unknown_action_types.join(', ')}`
            : ''}
          .
        </SuccessNotice>
      ) : null}
    </form>
  );
}
