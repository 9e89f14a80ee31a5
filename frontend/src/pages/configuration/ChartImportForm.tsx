import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { BodyBudgetsImportChartOfAccounts } from '../../client';
import { useImportChart } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
import { UploadProblems } from '../../components/RowErrorsTable';
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
import { formatCount } from '../../lib/format';
import { fieldErrors, rowErrors } from '../../lib/problem';

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
          <TextField
            id={`${ID}-effective_year`}
            label={OPTION_LABELS.effective_year}
            type="text"
            inputMode="numeric"
            placeholder="e.g. 2025"
            value={options.effective_year}
            {...errorsOf(byField, ID, 'effective_year')}
            onValue={(value) => set('effective_year', value)}
          />
          <TextField
            id={`${ID}-start_date`}
            label={OPTION_LABELS.start_date}
            type="date"
            value={options.start_date}
            {...errorsOf(byField, ID, 'start_date')}
            onValue={(value) => set('start_date', value)}
          />
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
          <TextField
            id={`${ID}-version`}
            label={OPTION_LABELS.version}
            type="text"
            value={options.version}
            {...errorsOf(byField, ID, 'version')}
            onValue={(value) => set('version', value)}
          />
          <TextField
            id={`${ID}-customer`}
            label={OPTION_LABELS.customer}
            type="text"
            value={options.customer}
            {...errorsOf(byField, ID, 'customer')}
            onValue={(value) => set('customer', value)}
          />
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
      <UploadProblems problems={problems} fileName={fileName} list="chart-of-accounts-errors" />
    </form>
  );
}

const TRI_STATE_OPTIONS = [
  { value: '', label: 'From the file name' },
  { value: 'true', label: 'Yes (true)' },
  { value: 'false', label: 'No (false)' },
];

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
  return (
    <SelectField
      id={id}
      label={label}
      value={value}
      errors={errors}
      errorsId={`${id}-errors`}
      hint={`Yes: ${hint}`}
      onValue={(v) => onChange(v as '' | 'true' | 'false')}
      options={TRI_STATE_OPTIONS}
    />
  );
}
