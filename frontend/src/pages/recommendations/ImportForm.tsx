import { UploadForm } from '../../components/UploadForm';
import { formatCount } from '../../lib/format';
import { useImportRecommendations } from './hooks';

/** Upload a Cost Optimization Hub export (parquet or CSV), all or nothing. */
export function ImportForm() {
  return (
    <UploadForm
      id="recs-import"
      title="Import the Cost Optimization Hub export"
      hint={
        <>
          The AWS Data Exports &quot;Cost Optimization Recommendations&quot; table, parquet or CSV.
          Recommendations are matched across imports by resource, action and target (their ids rotate), so
          decisions are kept; those gone from the export are marked resolved. A file with a missing column or
          a bad value changes nothing.
        </>
      }
      fileLabel="Export file"
      accept=".parquet,.csv,.gz"
      submitLabel="Import"
      pendingLabel="Importing…"
      upload={useImportRecommendations()}
      errorPrefix={() => 'Not imported'}
      problemsList="recommendation-import-problems"
      success={(r) => (
        <>
          {r.source}: {formatCount(r.created)} new, {formatCount(r.updated)} updated,{' '}
          {formatCount(r.unchanged)} unchanged, {formatCount(r.resolved)} resolved,{' '}
          {formatCount(r.reappeared)} back; {formatCount(r.duplicates)} duplicate rows dropped;{' '}
          {formatCount(r.not_in_cur)} not in the CUR
          {r.unknown_action_types.length
            ? `; unknown action types: ${r.unknown_action_types.join(', ')}`
            : ''}
          .
        </>
      )}
    />
  );
}
