import type { CsvColumn } from '../lib/csv';
import type { RowError } from '../lib/problem';
import { DownloadCsvButton } from './DownloadCsvButton';

/** Every problem of a rejected file, one line each, as the spreadsheet numbers rows. */
export function RowErrorsTable({ errors, caption }: { errors: RowError[]; caption: string }) {
  if (errors.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Row errors">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Row
            </th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((error, index) => (
            <tr key={`${error.row ?? 'file'}-${error.column ?? ''}-${index}`}>
              <td className="num">{error.row ?? 'whole file'}</td>
              <td>{error.column ?? '—'}</td>
              <td>{error.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ROW_ERROR_COLUMNS: CsvColumn<RowError>[] = [
  { header: 'row', value: (e) => e.row },
  { header: 'column', value: (e) => e.column },
  { header: 'problem', value: (e) => e.message },
];

/** A rejected upload's problems: the table, and the same list as a CSV download. */
export function UploadProblems({
  problems,
  fileName,
  list,
}: {
  problems: RowError[];
  fileName: string;
  list: string;
}) {
  if (problems.length === 0) return null;
  return (
    <>
      <RowErrorsTable
        errors={problems}
        caption={`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${fileName}`}
      />
      <DownloadCsvButton
        list={list}
        columns={ROW_ERROR_COLUMNS}
        rows={() => problems}
        label="Download the problems as CSV"
      />
    </>
  );
}
