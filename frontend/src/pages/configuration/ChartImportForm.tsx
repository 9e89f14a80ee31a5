import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { BodyBudgetsImportChartOfAccounts } from '../../client';
import { useImportChart } from '../../api/hooks';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { RowErrorsTable } from '../../components/RowErrorsTable';
import {
  COUNT_NAMES,
  FILE_NAME_PATTERN,
  labelOptionErrors,
  NO_OPTIONS,
  OPTION_LABELS,
  optionsFromFileName,
  optionsToSend,
  type OptionFields,
} from '../../lib/chartImport';
import type { CsvColumn } from '../../lib/csv';
import { formatCount } from '../../lib/format';
import { fieldErrors, rowErrors, type RowError } from '../../lib/problem';

const ERROR_COLUMNS: CsvColumn<RowError>[] = [
  { header: 'row', value: (e) => e.row },
  { header: 'column', value: (e) => e.column },
  { header: 'problem', value: (e) => e.message },
];

const ID = 'chart-import';

export function ChartImportForm() {
  const upload = useImportChart();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileName, setFileName] = useState('');
  const [options, setOptions] = useState<OptionFields>(NO_OPTIONS);
  const problems = labelOptionErrors(rowErrors(upload.error));
  const byField = fieldErrors(upload.error);
  const fromName = file ? optionsFromFileName(file.name) : null;

  function set<K extends keyof OptionFields>(key: K, value: OptionFields[K]) {
    setOptions((o) => ({ ...o, [key]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setFileName(file.name);
    // A year typed as text that is not a number is sent as typed: the server's 422 explains it
    // next to the field, like every other option error.
    const body = { file, ...optionsToSend(options) } as BodyBudgetsImportChartOfAccounts;
    upload.mutate(body, {
      onSuccess: () => {
        setFile(null);
        setOptions(NO_OPTIONS);
        if (input.current) input.current.value = '';
      },
    });
  }

  function optionProps(key: keyof OptionFields) {
    const invalid = Boolean(byField[key]);
    return {
      id: `${ID}-${key}`,
      'aria-invalid': invalid || undefined,
      'aria-describedby': invalid ? `${ID}-${key}-errors` : undefined,
    };
  }

  const result = upload.data;
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`}>Upload the chart of accounts</h2>
      <p className="hint" id={`${ID}-hint`}>
        A CSV file: columns 1–4 are the hierarchy (top level left) and their headers name the levels, column 5
        is the approved annual amount (<code>1234.50</code>, <code>1,234.50</code> or <code>$1,234.50</code>),
        further columns are kept as attributes. The file is loaded all or nothing: if anything is wrong,
        nothing changes and every problem is listed.
      </p>
      <div className="field">
        <label htmlFor={`${ID}-file`}>Chart-of-accounts file</label>
        <input
          id={`${ID}-file`}
          ref={input}
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby={`${ID}-hint ${ID}-name`}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <p className="hint" id={`${ID}-name`} aria-live="polite">
          {file === null ? (
            <>
              The file name carries the load options: <code>{FILE_NAME_PATTERN}</code>
            </>
          ) : fromName ? (
            <>
              From the file name: year <strong>{fromName.effective_year}</strong>, new{' '}
              <strong>{fromName.is_new}</strong>, start <strong>{fromName.start_date}</strong>, override{' '}
              <strong>{fromName.is_override}</strong>, version <strong>{fromName.version}</strong>, customer{' '}
              <strong>{fromName.customer}</strong>.
            </>
          ) : (
            <>
              This file name does not follow <code>{FILE_NAME_PATTERN}</code>: give at least the effective
              year and the start date below.
            </>
          )}
        </p>
      </div>

      <fieldset className="options">
        <legend>Load options</legend>
        <p className="hint">
          Optional: leave empty to take them from the file name. What you enter here wins over the name.
        </p>
        <div className="options-grid">
          <div className="field">
            <label htmlFor={`${ID}-effective_year`}>{OPTION_LABELS.effective_year}</label>
            <input
              {...optionProps('effective_year')}
              type="text"
              inputMode="numeric"
              placeholder="e.g. 2025"
              value={options.effective_year}
              onChange={(e) => set('effective_year', e.target.value)}
            />
            <FieldErrors id={`${ID}-effective_year-errors`} messages={byField.effective_year} />
          </div>
          <div className="field">
            <label htmlFor={`${ID}-start_date`}>{OPTION_LABELS.start_date}</label>
            <input
              {...optionProps('start_date')}
              type="date"
              value={options.start_date}
              onChange={(e) => set('start_date', e.target.value)}
            />
            <FieldErrors id={`${ID}-start_date-errors`} messages={byField.start_date} />
          </div>
          <TriState
            id={`${ID}-is_new`}
            label={OPTION_LABELS.is_new}
            hint="a new year: amounts from January 1st"
            value={options.is_new}
            onChange={(v) => set('is_new', v)}
            errors={byField.is_new}
          />
          <TriState
            id={`${ID}-is_override`}
            label={OPTION_LABELS.is_override}
            hint="retire every budget of the year not in the file"
            value={options.is_override}
            onChange={(v) => set('is_override', v)}
            errors={byField.is_override}
          />
          <div className="field">
            <label htmlFor={`${ID}-version`}>{OPTION_LABELS.version}</label>
            <input
              {...optionProps('version')}
              type="text"
              value={options.version}
              onChange={(e) => set('version', e.target.value)}
            />
            <FieldErrors id={`${ID}-version-errors`} messages={byField.version} />
          </div>
          <div className="field">
            <label htmlFor={`${ID}-customer`}>{OPTION_LABELS.customer}</label>
            <input
              {...optionProps('customer')}
              type="text"
              value={options.customer}
              onChange={(e) => set('customer', e.target.value)}
            />
            <FieldErrors id={`${ID}-customer-errors`} messages={byField.customer} />
          </div>
        </div>
      </fieldset>

      <div className="actions">
        <button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload chart of accounts'}
        </button>
      </div>

      {result ? (
        <div className="result">
          <SuccessNotice>
            Loaded {fileName} into {result.year}:{' '}
            {COUNT_NAMES.map((name) => `${formatCount(result[name])} ${name}`).join(', ')}.
          </SuccessNotice>
          <dl className="counts" aria-label="Load counts">
            {COUNT_NAMES.map((name) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{formatCount(result[name])}</dd>
              </div>
            ))}
          </dl>
          <p>
            Levels: {result.labels.join(' › ')}.{' '}
            <Link to={`/budgets?year=${result.year}`}>Open the {result.year} budgets</Link>
          </p>
        </div>
      ) : null}
      <ErrorNotice error={upload.error} prefix={`${fileName || 'The file'} was rejected`} />
      {problems.length > 0 ? (
        <>
          <RowErrorsTable
            errors={problems}
            caption={`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${fileName}`}
          />
          <DownloadCsvButton
            list="chart-of-accounts-errors"
            columns={ERROR_COLUMNS}
            rows={() => problems}
            label="Download the problems as CSV"
          />
        </>
      ) : null}
    </form>
  );
}

function TriState({
  id,
  label,
  hint,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  hint: string;
  value: '' | 'true' | 'false';
  onChange: (value: '' | 'true' | 'false') => void;
  errors: string[] | undefined;
}) {
  const invalid = Boolean(errors);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-invalid={invalid || undefined}
        aria-describedby={[`${id}-hint`, invalid ? `${id}-errors` : ''].join(' ').trim()}
        onChange={(e) => onChange(e.target.value as '' | 'true' | 'false')}
      >
        <option value="">From the file name</option>
        <option value="true">Yes (true)</option>
        <option value="false">No (false)</option>
      </select>
      <p className="hint" id={`${id}-hint`}>
        Yes: {hint}
      </p>
      <FieldErrors id={`${id}-errors`} messages={errors} />
    </div>
  );
}
