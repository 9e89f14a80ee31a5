import { useState } from 'react';
import type { CarryForwardRead } from '../../client';
import { useCarryForward } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';

const STATUS_LABELS: Record<string, string> = {
  proposed: 'Will carry',
  carried: 'Carried',
  already_carried: 'Already carried',
};

/** "Carry forward to next year" (SPEC 3): a split, workload or claim ends with its budget's
 * year; once the new year's chart is loaded, Finance previews what carries onto the products
 * with the same hierarchy path and applies it in one step. */
export function CarryForwardPanel() {
  // From July the turn ahead is this year's; in the first half, the one just passed.
  const [fromYear, setFromYear] = useState(() => {
    const now = new Date();
    return now.getMonth() >= 6 ? now.getFullYear() : now.getFullYear() - 1;
  });
  const preview = useCarryForward();
  const apply = useCarryForward();
  const result = apply.data ?? preview.data;
  const body = { from_year: fromYear, to_year: fromYear + 1 };

  return (
    <section aria-labelledby="carry-forward-title" className="panel">
      <h2 id="carry-forward-title">Carry forward to next year</h2>
      <p className="hint">
        Splits, workloads and claims end on 31 December. Carry them onto the products with the same path in
        the new year&rsquo;s chart; what cannot be carried (product retired or renamed) is listed and left
        out.
      </p>
      <div className="actions">
        <label htmlFor="carry-from-year">From year</label>
        <input
          id="carry-from-year"
          type="number"
          value={fromYear}
          min={2000}
          max={2998}
          onChange={(e) => {
            setFromYear(Number(e.target.value));
            preview.reset();
            apply.reset();
          }}
        />
        <button
          type="button"
          className="secondary"
          disabled={preview.isPending}
          onClick={() => {
            apply.reset();
            preview.mutate({ ...body, dry_run: true });
          }}
        >
          {preview.isPending ? 'Preparing…' : `Preview ${fromYear} → ${fromYear + 1}`}
        </button>
      </div>
      <ErrorNotice error={preview.error} prefix="The preview failed" />
      <ErrorNotice error={apply.error} prefix="Nothing was carried" />
      {result ? <CarryForwardResult result={result} /> : null}
      {preview.data && !apply.data && hasProposed(preview.data) ? (
        <button
          type="button"
          disabled={apply.isPending}
          onClick={() => {
            if (window.confirm(`Carry ${summary(preview.data)} into ${fromYear + 1}?`)) {
              apply.mutate({ ...body, dry_run: false });
            }
          }}
        >
          {apply.isPending ? 'Carrying…' : 'Carry forward'}
        </button>
      ) : null}
      {apply.data?.applied ? <SuccessNotice>Carried {summary(apply.data, 'carried')}.</SuccessNotice> : null}
    </section>
  );
}

function hasProposed(result: CarryForwardRead): boolean {
  return [...result.splits, ...result.workloads, ...result.claims].some((i) => i.status === 'proposed');
}

function summary(result: CarryForwardRead, status = 'proposed'): string {
  const count = (items: { status: string }[]) => items.filter((i) => i.status === status).length;
  return `${count(result.splits)} split(s), ${count(result.workloads)} workload(s) and ${count(result.claims)} claim(s)`;
}

function CarryForwardResult({ result }: { result: CarryForwardRead }) {
  return (
    <div aria-label="Carry forward preview">
      <table>
        <caption>Splits from 1 January {result.to_year}</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Onto</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {result.splits.length === 0 ? (
            <tr>
              <td colSpan={3}>No split to carry.</td>
            </tr>
          ) : (
            result.splits.map((s) => (
              <tr key={s.account_id}>
                <td>{s.account_id}</td>
                <td>{s.lines.map((l) => `${l.path.join(' / ')} ${l.percent}%`).join('; ')}</td>
                <td>{STATUS_LABELS[s.status] ?? s.status}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {result.workloads.length > 0 ? (
        <table>
          <caption>Workloads and their claims</caption>
          <thead>
            <tr>
              <th scope="col">Workload</th>
              <th scope="col">Account</th>
              <th scope="col">Onto</th>
              <th scope="col">Claims</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {result.workloads.map((w) => (
              <tr key={w.workload_id}>
                <td>{w.name}</td>
                <td>{w.account_id}</td>
                <td>{w.path.join(' / ')}</td>
                <td>{result.claims.filter((c) => c.from_workload_id === w.workload_id).length}</td>
                <td>{STATUS_LABELS[w.status] ?? w.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {result.not_carried.length > 0 ? (
        <table>
          <caption>Cannot be carried</caption>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Account</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {result.not_carried.map((n) => (
              <tr key={`${n.kind}-${n.ref}`}>
                <td>
                  {n.kind} {n.ref}
                </td>
                <td>{n.account_id}</td>
                <td>{n.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
