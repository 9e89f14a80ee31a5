import { useState } from 'react';
import type { ImportRead } from '../../client';
import { useYears } from '../budgets/hooks';
import { useBudgetImports } from './hooks';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField } from '../../components/Field';
import { COUNT_NAMES, describeOptions } from '../../lib/chartImport';
import type { CsvColumn } from '../../lib/csv';
import { formatCount, formatDateTime } from '../../lib/format';

const option = (i: ImportRead, key: string) => {
  const value = i.options[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
};

const CSV_COLUMNS: CsvColumn<ImportRead>[] = [
  { header: 'id', value: (i) => i.id },
  { header: 'uploaded_at', value: (i) => i.uploaded_at },
  { header: 'uploaded_by', value: (i) => i.uploaded_by },
  { header: 'filename', value: (i) => i.filename },
  { header: 'year', value: (i) => i.year },
  { header: 'customer', value: (i) => option(i, 'customer') },
  { header: 'is_new', value: (i) => option(i, 'is_new') },
  { header: 'start_date', value: (i) => option(i, 'start_date') },
  { header: 'is_override', value: (i) => option(i, 'is_override') },
  { header: 'version', value: (i) => option(i, 'version') },
  ...COUNT_NAMES.map((name) => ({ header: name, value: (i: ImportRead) => i.counts[name] ?? 0 })),
  { header: 'size_bytes', value: (i) => i.size_bytes },
  { header: 'sha256', value: (i) => i.sha256 },
];

export function ImportHistory() {
  const years = useYears();
  const [year, setYear] = useState<number | null>(null);
  const imports = useBudgetImports(year);
  // Newest first, whatever order the server keeps.
  const rows = [...(imports.data ?? [])].sort(
    (a, b) => b.uploaded_at.localeCompare(a.uploaded_at) || b.id - a.id,
  );

  return (
    <section aria-labelledby="import-history-title">
      <h2 id="import-history-title">Import history</h2>
      <FilterBar
        label="Filter the import history"
        search={false}
        end={<DownloadCsvButton list="budget-imports" columns={CSV_COLUMNS} rows={() => rows} />}
      >
        <SelectField
          id="import-history-year"
          label="Year"
          value={year ?? ''}
          onValue={(v) => setYear(v === '' ? null : Number(v))}
          empty="All years"
          options={[...(years.data ?? [])].sort((a, b) => b.year - a.year).map((y) => y.year)}
        />
      </FilterBar>
      <ErrorNotice error={imports.error} prefix="The import history could not be loaded" />
      {imports.isPending ? (
        <p className="loading">Loading the import history…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="import-history-title">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Year
                </th>
                <th scope="col">Options</th>
                {COUNT_NAMES.map((name) => (
                  <th key={name} scope="col" className="num">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={5 + COUNT_NAMES.length} className="empty">
                    No chart of accounts has been loaded{year === null ? '' : ` for ${year}`} yet.
                  </td>
                </tr>
              ) : (
                rows.map((i) => (
                  <tr key={i.id}>
                    <td className="nowrap">{formatDateTime(i.uploaded_at)}</td>
                    <td>{i.uploaded_by}</td>
                    <td className="filename">{breakable(i.filename)}</td>
                    <td className="num">{i.year}</td>
                    <td className="options-cell">{describeOptions(i.options)}</td>
                    {COUNT_NAMES.map((name) => (
                      <td key={name} className="num">
                        {formatCount(i.counts[name] ?? 0)}
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Long file names wrap after their underscores (the option separators), not mid-word. */
function breakable(name: string) {
  return name.split('_').map((part, index, parts) => (
    <span key={index}>
      {part}
      {index < parts.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </span>
  ));
}
