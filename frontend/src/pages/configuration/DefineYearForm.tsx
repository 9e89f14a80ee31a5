import { useState, type FormEvent } from 'react';
import { useYears } from '../budgets/hooks';
import { useDefineYear } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, TextField } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import { DEFAULT_LABELS } from '../../lib/budgets';
import { fieldErrors, otherErrors } from '../../lib/problem';

const ID = 'define-year';
const LEVEL_HINTS = ['level 1, the top', 'level 2', 'level 3', 'level 4, the product budgets'];
const KNOWN_FIELDS = ['year', 'labels', 'labels.0', 'labels.1', 'labels.2', 'labels.3'];

/** The organisational naming of a year: what its four levels are called. */
export function DefineYearForm() {
  const define = useDefineYear();
  const years = useYears();
  const [year, setYear] = useState(String(new Date().getFullYear() + 1));
  const [labels, setLabels] = useState<string[]>([...DEFAULT_LABELS]);
  const [saved, setSaved] = useState<string | null>(null);
  const errors = fieldErrors(define.error);
  const unplaced = otherErrors(define.error, KNOWN_FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    define.mutate(
      { year: Number(year), labels: labels as [string, string, string, string] },
      { onSuccess: (y) => setSaved(`Year ${y.year}: ${y.labels.join(' › ')}.`) },
    );
  }

  function edit(existing: { year: number; labels: string[] }) {
    setYear(String(existing.year));
    setLabels([...existing.labels]);
    setSaved(null);
    define.reset();
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`}>Define year naming</h2>
      <p className="hint">
        The names of the four hierarchy levels of a fiscal year, top first. A chart-of-accounts load sets them
        from its header row; define them here to add line items to a year before any file is loaded, or to
        rename the levels.
      </p>
      <ErrorNotice error={define.error} prefix="The naming was not saved" />
      <FieldErrors id={`${ID}-labels-errors`} messages={[...(errors.labels ?? []), ...unplaced]} />
      <SuccessNotice>{saved}</SuccessNotice>
      <TextField
        id={`${ID}-year`}
        label="Fiscal year"
        type="number"
        min={2000}
        max={2100}
        required
        value={year}
        {...errorsOf(errors, ID, 'year')}
        onValue={setYear}
      />
      <div className="options-grid">
        {labels.map((label, index) => (
          <TextField
            key={index}
            id={`${ID}-label-${index}`}
            label={`Level ${index + 1} label`}
            type="text"
            required
            maxLength={200}
            value={label}
            {...errorsOf(errors, ID, `labels.${index}`)}
            hint={LEVEL_HINTS[index]}
            onValue={(value) => setLabels((ls) => ls.map((l, i) => (i === index ? value : l)))}
          />
        ))}
      </div>
      <button type="submit" disabled={define.isPending}>
        {define.isPending ? 'Saving…' : 'Save year naming'}
      </button>

      {years.data && years.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" aria-label="Defined years">
            <thead>
              <tr>
                <th scope="col">Year</th>
                <th scope="col">Levels</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...years.data]
                .sort((a, b) => b.year - a.year)
                .map((y) => (
                  <tr key={y.year}>
                    <th scope="row">{y.year}</th>
                    <td>{y.labels.join(' › ')}</td>
                    <td>
                      <button type="button" className="link" onClick={() => edit(y)}>
                        Rename<span className="visually-hidden"> the levels of {y.year}</span>
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </form>
  );
}
