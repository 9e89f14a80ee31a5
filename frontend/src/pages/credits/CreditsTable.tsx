import type { CreditRead } from '../../client';
import { Amount } from '../../components/Amount';
import { expiryLabel, expiryState, programLabel, usedShare, productName } from '../../lib/credits';
import { CURRENCY } from '../../lib/money';

export function CreditsTable({
  credits,
  today,
  selected,
  onSelect,
}: {
  credits: readonly CreditRead[];
  today: string;
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-labelledby="balances-title">
        <thead>
          <tr>
            <th scope="col">Credit</th>
            <th scope="col">Budget</th>
            <th scope="col">Program</th>
            <th scope="col" className="num">
              Amount ({CURRENCY})
            </th>
            <th scope="col" className="num">
              Applied
            </th>
            <th scope="col" className="num">
              Balance
            </th>
            <th scope="col">Valid</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {credits.map((c) => {
            const state = expiryState(c, today);
            return (
              <tr key={c.id}>
                <th scope="row">
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={selected === c.id}
                    onClick={() => onSelect(c.id)}
                  >
                    {c.reference || `Credit ${c.id}`}
                  </button>
                </th>
                <td title={c.budget_path.join(' › ')}>{productName(c.budget_path)}</td>
                <td>{programLabel(c.program)}</td>
                <td className="num">
                  <Amount value={c.amount} />
                </td>
                <td className="num">
                  <Amount value={c.applied} /> <span className="muted">({usedShare(c)})</span>
                </td>
                <td className="num">
                  <Amount value={c.balance} />
                </td>
                <td>
                  {c.start_date} → {c.expires_on}
                </td>
                <td>
                  <span
                    className={`badge ${state === 'soon' ? 'badge-bad' : state === 'open' ? 'badge-ok' : 'badge-off'}`}
                  >
                    {expiryLabel(state, c.expires_on, today)}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
