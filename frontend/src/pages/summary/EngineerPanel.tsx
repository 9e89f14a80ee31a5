import { useResources } from '../resources/hooks';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CURRENCY } from '../../lib/money';
import { formatMonth } from '../../lib/months';

const TOP = 10;

/** The Cloud Engineer's summary until recommendations exist: what the role will do here, and
 * the biggest spenders among the resources of the accounts in their scope (every account when
 * they are mapped to no budget), from the last full month. */
export function EngineerPanel() {
  const resources = useResources({ status: 'all', limit: TOP });
  const period = resources.data?.period;
  const items = resources.data?.items ?? [];
  return (
    <section className="card summary-card" aria-labelledby="engineer-title">
      <h2 id="engineer-title">Your work as Cloud Engineer</h2>
      <p>
        Cost-optimisation recommendations (from the AWS Cost Optimization Hub) that finance approves will be
        listed here for you to implement and mark <strong>Implemented</strong>. None has been imported yet.
      </p>
      <p className="muted">
        Meanwhile, the resources that cost most{period ? ` in ${formatMonth(`${period}-01`)}` : ''}, where
        savings are likeliest:
      </p>
      <ErrorNotice error={resources.error} prefix="The resources could not be loaded" />
      {resources.isPending ? (
        <p className="loading">Loading resources…</p>
      ) : items.length === 0 ? (
        <p className="muted">No resources yet: the Cost and Usage Report has not been loaded.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Top resources by cost">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Service</th>
                <th scope="col">Account</th>
                <th scope="col" className="num">
                  Cost ({CURRENCY})
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.account_id}/${r.resource_id}`}>
                  <th scope="row" className="resource-id">
                    <code>{r.resource_id}</code>
                  </th>
                  <td>{r.service ?? '—'}</td>
                  <td>
                    <code>{r.account_id}</code>
                  </td>
                  <td className="num">
                    <Amount value={r.cost} />
                  </td>
                </tr>
              ))}
            </tbody>
            {resources.data && resources.data.total > items.length ? (
              <tfoot>
                <tr>
                  <td colSpan={4} className="muted">
                    Top {items.length} of {resources.data.total} resources.
                  </td>
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
    </section>
  );
}
