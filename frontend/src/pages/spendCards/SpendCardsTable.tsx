import { Link } from 'react-router-dom';
import type { SpendCardRead } from '../../client';
import { Amount } from '../../components/Amount';
import { cardProduct, formatRatio, pendingLabel, periodLabel } from '../../lib/spendCards';
import { CardStatusBadge, ColourBadge } from '../../components/CardBadges';

/** Cards as rows: period, budget, the figures, colour, status and who must act. */
export function SpendCardsTable({ cards, label }: { cards: readonly SpendCardRead[]; label: string }) {
  return (
    <div className="table-wrap">
      <table className="data-table spend-cards-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Budget</th>
            <th scope="col" className="num">
              Actual (USD)
            </th>
            <th scope="col" className="num">
              Budget (USD)
            </th>
            <th scope="col" className="num">
              Variance
            </th>
            <th scope="col" className="num">
              Month to date
            </th>
            <th scope="col" className="num">
              Month-end forecast
            </th>
            <th scope="col">Colour</th>
            <th scope="col">Status</th>
            <th scope="col">Who must act</th>
          </tr>
        </thead>
        <tbody>
          {cards.map((card) => {
            const f = card.figures;
            return (
              <tr key={card.id} data-card-id={card.id} data-product={cardProduct(card)}>
                <td className="nowrap">
                  <Link
                    to={`/spend-cards/${card.id}`}
                    aria-label={`Open card ${cardProduct(card)}, ${periodLabel(card.period_start, card.period_end)}`}
                  >
                    {periodLabel(card.period_start, card.period_end)}
                  </Link>
                </td>
                <th scope="row" title={card.budget_path.join(' › ')}>
                  {cardProduct(card)}
                </th>
                <td className="num">
                  <Amount value={f.actual} />
                </td>
                <td className="num">
                  <Amount value={f.budget} />
                </td>
                <td className="num">
                  <Amount value={f.variance} />
                  <br />
                  <span className="muted">{formatRatio(f.variance_ratio)}</span>
                </td>
                <td className="num">
                  <Amount value={f.month_to_date} />
                  <br />
                  <span className="muted">
                    of <Amount value={f.month_to_date_budget} />
                  </span>
                </td>
                <td className="num">
                  <Amount value={f.forecast} />
                  <br />
                  <span className="muted">
                    of <Amount value={f.month_scheduled} />
                  </span>
                </td>
                <td>
                  <ColourBadge colour={f.colour} />
                </td>
                <td>
                  <CardStatusBadge status={card.status} />
                </td>
                <td className="pending-cell">{pendingLabel(card)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
