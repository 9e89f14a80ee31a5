import { Amount } from '../../components/Amount';
import type { FiguresRead } from '../../client';
import { ratioLabel } from '../../lib/dashboard';

type TotalFigures = Pick<
  FiguresRead,
  'spend' | 'approved_spend' | 'budget' | 'ratio' | 'approved' | 'budgets' | 'approved_budgets'
>;

/** The heat map's total (docs/dashboard.md, "Figures"): the spend of every budget in view, and
 * beside it what the variance measures, the approved budgets' spend against their budget. When
 * only some budgets are approved the two spends differ, so both are named. */
export function HeatmapTotal({
  period,
  total,
  currency,
  updating = false,
}: {
  period: string;
  total: TotalFigures;
  currency: string;
  updating?: boolean;
}) {
  const some = total.approved && total.approved_budgets < total.budgets;
  return (
    <div className="dashboard-total" aria-live="polite" data-testid="heatmap-total">
      <span>
        {period}: spend <Amount value={total.spend} /> {currency}
        {some ? ` (all ${total.budgets} budgets)` : null}
      </span>
      {some ? (
        <span>
          approved budgets ({total.approved_budgets} of {total.budgets}): spend{' '}
          <Amount value={total.approved_spend} />, budget <Amount value={total.budget} />
        </span>
      ) : total.approved ? (
        <span>
          budget <Amount value={total.budget} />
        </span>
      ) : null}
      <span className="muted">
        {ratioLabel(total.ratio)}
        {some ? ' (approved budgets)' : null}
      </span>
      {updating ? <span className="muted">(updating…)</span> : null}
    </div>
  );
}
