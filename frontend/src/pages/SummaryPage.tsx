import { useCurrentUser } from '../components/AppShell';
import { usePageTitle } from '../lib/usePageTitle';
import { AllocationPanel } from './summary/AllocationPanel';
import { AnomaliesPanel } from './summary/AnomaliesPanel';

import { CreditsPanel } from './summary/CreditsPanel';
import { EngineerPanel } from './summary/EngineerPanel';
import { MonthAgainstSchedulePanel } from './summary/MonthAgainstSchedulePanel';
import { NotificationsPanel } from './summary/NotificationsPanel';
import { OverrunPanel } from './summary/OverrunPanel';
import { SpendPanel } from './summary/SpendPanel';
import { TasksPanel } from './summary/TasksPanel';
import { TopSavingsPanel } from './summary/TopSavingsPanel';

/** What waits for the caller, what changed, and where the money goes (SPEC 9). Every panel
 * reads the server's answer for the caller's scope. */
export function SummaryPage() {
  const me = useCurrentUser();
  usePageTitle('Summary');
  return (
    <section>
      <h1>Summary</h1>
      <p className="lead">Welcome, {me.name}.</p>
      <div className="summary-grid">
        {me.role === 'cloud_engineer' ? <EngineerPanel /> : null}
        <TasksPanel />
        <NotificationsPanel />
        <MonthAgainstSchedulePanel />
        <SpendPanel />
        <OverrunPanel />
        <AnomaliesPanel />
        <AllocationPanel />
        <TopSavingsPanel />
        <CreditsPanel />
      </div>
    </section>
  );
}
