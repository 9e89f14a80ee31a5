import type { RowError } from '../lib/problem';

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
