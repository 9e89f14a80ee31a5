import { Link } from 'react-router-dom';
import type { ForecastRead } from '../../client';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SectionHead } from '../../components/SectionHead';
import { expiryLabel, expiryState, programLabel, unusedAtExpiry } from '../../lib/credits';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { CURRENCY } from '../../lib/money';
import { formatDate } from '../../lib/months';
import { localIsoDate } from '../../lib/periods';
import { useCreditForecast } from '../credits/hooks';

const TOP = 6;

const COLUMNS: CsvColumn<ForecastRead>[] = [
  { header: 'reference', value: (c) => c.reference },
  { header: 'program', value: (c) => c.program },
  { header: 'budget', value: (c) => c.budget_path.join(' › ') },
  { header: `balance (${CURRENCY})`, value: (c) => csvDecimal(c.balance) },
  { header: 'expires_on', value: (c) => c.expires_on },
  { header: `unused_at_expiry (${CURRENCY})`, value: (c) => csvDecimal(c.unused_at_expiry) },
];

/** The credits in scope with money left, the soonest to expire first, and what the forecast
 * says will be left unused when they expire. */
export function CreditsPanel() {
  const today = localIsoDate();
  const forecast = useCreditForecast();
  const lines = [...(forecast.data ?? [])].sort((a, b) => a.expires_on.localeCompare(b.expires_on));
  const unused = unusedAtExpiry(lines);
  return (
    <section className="card summary-card" aria-labelledby="credits-title">
      <SectionHead
        id="credits-title"
        title="Credit balances and expiries"
        list="credit-balances"
        columns={COLUMNS}
        rows={() => lines}
        csv={lines.length > 0}
      />
      <ErrorNotice error={forecast.error} prefix="The credits could not be loaded" />
      {forecast.isPending ? (
        <p className="loading">Loading credits…</p>
      ) : lines.length === 0 ? (
        <p className="muted">No credit with a balance on your budgets.</p>
      ) : (
        <>
          {unused.lines.length > 0 ? (
            <p className="notice notice-info">
              At the current burn rate <Amount value={unused.total} /> {CURRENCY} of credits will expire
              unused.
            </p>
          ) : null}
          <div className="table-wrap">
            <table className="data-table" aria-label="Credit balances and expiries">
              <thead>
                <tr>
                  <th scope="col">Credit</th>
                  <th scope="col" className="num">
                    Balance ({CURRENCY})
                  </th>
                  <th scope="col">Expires</th>
                  <th scope="col" className="num">
                    Unused at expiry
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.slice(0, TOP).map((c) => (
                  <tr key={c.credit_id}>
                    <th scope="row">
                      {programLabel(c.program)} {c.reference}
                      <div className="muted small">{c.budget_path.join(' › ')}</div>
                    </th>
                    <td className="num">
                      <Amount value={c.balance} />
                    </td>
                    <td>
                      {formatDate(c.expires_on)}
                      <div className="muted small">
                        {expiryLabel(expiryState({ status: 'active', ...c }, today), c.expires_on, today)}
                      </div>
                    </td>
                    <td className="num">
                      <Amount value={c.unused_at_expiry} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small">
            <Link to="/credits">All credits</Link>
          </p>
        </>
      )}
    </section>
  );
}
