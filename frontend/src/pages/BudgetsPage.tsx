import { usePageTitle } from '../lib/usePageTitle';

export function BudgetsPage() {
  usePageTitle('Budgets');
  return (
    <section>
      <h1>Budgets</h1>
      <p>
        This page arrives with the budgets capability: the chart-of-accounts upload, product budgets and their
        monthly schedules. There is nothing to show here yet.
      </p>
    </section>
  );
}
