import { useCurrentUser } from '../../components/AppShell';
import { usePageTitle } from '../../lib/usePageTitle';
import { ChartImportForm } from './ChartImportForm';
import { DefineYearForm } from './DefineYearForm';
import { ImportHistory } from './ImportHistory';

/** Loading the approved budgets: the chart-of-accounts upload, its history, year naming. */
export function ConfigurationPage() {
  usePageTitle('Configuration');
  const me = useCurrentUser();
  return (
    <section>
      <h1>Configuration</h1>
      <div className="grid-config">
        <ChartImportForm />
        {me.permissions.includes('manage_budgets') ? <DefineYearForm /> : null}
      </div>
      <ImportHistory />
    </section>
  );
}
