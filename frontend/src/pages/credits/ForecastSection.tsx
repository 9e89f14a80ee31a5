import { useMemo } from 'react';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { unusedAtExpiry, productName } from '../../lib/credits';
import { CURRENCY } from '../../lib/money';
import { useCreditForecast } from './hooks';

export function ForecastSection() {
  const forecast = useCreditForecast();
  const unused = useMemo(() => unusedAtExpiry(forecast.data ?? []), [forecast.data]);
  return (
    <section aria-labelledby="forecast-title">
      <h2 id="forecast-title">Expiry forecast</h2>
      <p className="muted">
        At each budget&apos;s burn rate (its average allocated spend over the last three full months), what
        every active credit will have applied by its expiry, and what it will leave unused.
      </p>
      <ErrorNotice error={forecast.error} prefix="The forecast could not be loaded" />
      {forecast.isError ? (
        <button type="button" onClick={() => void forecast.refetch()}>
          Try again
        </button>
      ) : null}
      {forecast.isPending ? (
        <p className="loading">Forecasting…</p>
      ) : forecast.data ? (
        forecast.data.length === 0 ? (
          <p className="empty-state">No active credit with a balance left.</p>
        ) : (
          <>
            <p aria-live="polite">
              {unused.lines.length === 0 ? (
                'Every credit is on course to be used before it expires.'
              ) : (
                <>
                  <strong>{unused.lines.length}</strong> credit{unused.lines.length === 1 ? '' : 's'} will
                  expire with <Amount value={unused.total} /> {CURRENCY} unused.
                </>
              )}
            </p>
            <div className="table-wrap">
              <table className="data-table" aria-labelledby="forecast-title">
                <thead>
                  <tr>
                    <th scope="col">Credit</th>
                    <th scope="col">Budget</th>
                    <th scope="col">Expires</th>
                    <th scope="col" className="num">
                      Balance ({CURRENCY})
                    </th>
                    <th scope="col" className="num">
                      Burn rate / month
                    </th>
                    <th scope="col" className="num">
                      Will apply
                    </th>
                    <th scope="col" className="num">
                      Unused at expiry
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {forecast.data.map((l) => (
                    <tr key={l.credit_id}>
                      <th scope="row">{l.reference || `Credit ${l.credit_id}`}</th>
                      <td title={l.budget_path.join(' › ')}>{productName(l.budget_path)}</td>
                      <td>{l.expires_on}</td>
                      <td className="num">
                        <Amount value={l.balance} />
                      </td>
                      <td className="num">
                        <Amount value={l.burn_rate} />
                        {l.history_months.length === 0 ? (
                          <span className="muted"> (no spend history)</span>
                        ) : null}
                      </td>
                      <td className="num">
                        <Amount value={l.projected_use} />
                      </td>
                      <td className="num">
                        <strong>
                          <Amount value={l.unused_at_expiry} />
                        </strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )
      ) : null}
    </section>
  );
}
