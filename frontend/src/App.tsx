import { useSyncExternalStore } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useMe } from './api/auth';
import { endedByLogOut, getToken, subscribe } from './api/session';
import { AppShell, useCurrentUser } from './components/AppShell';
import { ErrorNotice } from './components/ErrorNotice';
import type { Permission } from './client';
import {
  hasAny,
  RECOMMENDATION_PERMISSIONS,
  REPORT_PERMISSIONS,
  SPEND_CARD_PERMISSIONS,
} from './lib/navigation';
import { AccountDetailPage } from './pages/accounts/AccountDetailPage';
import { AccountsPage } from './pages/accounts/AccountsPage';
import { AuditPage } from './pages/audit/AuditPage';
import { BudgetDetailPage } from './pages/budgets/BudgetDetailPage';
import { BudgetsPage } from './pages/budgets/BudgetsPage';
import { ConfigurationPage } from './pages/configuration/ConfigurationPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ResourcesPage } from './pages/resources/ResourcesPage';
import { ClosePage } from './pages/closes/ClosePage';
import { RecommendationDetailPage } from './pages/recommendations/RecommendationDetailPage';
import { RecommendationsPage } from './pages/recommendations/RecommendationsPage';
import { SpendCardDetailPage } from './pages/spendCards/SpendCardDetailPage';
import { CreditsPage } from './pages/credits/CreditsPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { SpendCardsPage } from './pages/spendCards/SpendCardsPage';
import { VarianceReportPage } from './pages/reports/VarianceReportPage';
import { DiscountsPage } from './pages/discounts/DiscountsPage';
import { BillingPeriodsPage } from './pages/spend/BillingPeriodsPage';
import { SummaryPage } from './pages/SummaryPage';
import { UsersPage } from './pages/users/UsersPage';
import { IntegrationsPage } from './pages/integrations/IntegrationsPage';

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}

function RequireSession() {
  const token = useToken();
  const location = useLocation();
  const me = useMe();
  if (!token) {
    const from = endedByLogOut() ? undefined : { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={from} />;
  }
  if (me.isPending) return <p className="loading">Loading…</p>;
  if (me.isError) {
    return (
      <main className="narrow">
        <ErrorNotice error={me.error} prefix="Your profile could not be loaded" />
        <button type="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  return <AppShell me={me.data} />;
}

/** Opens the page for a role with one of the permissions (the menu uses the same rule). */
function RequirePermission({
  permission,
  children,
}: {
  permission: Permission | readonly Permission[];
  children: React.ReactNode;
}) {
  const me = useCurrentUser();
  if (!hasAny(me.permissions, typeof permission === 'string' ? [permission] : permission)) {
    return (
      <section>
        <h1>Not available</h1>
        <p>Your role may not open this page.</p>
      </section>
    );
  }
  return <>{children}</>;
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<RequireSession />}>
          <Route index element={<SummaryPage />} />
          <Route path="budgets" element={<BudgetsPage />} />
          <Route path="budgets/:id" element={<BudgetDetailPage />} />
          <Route
            path="spend-cards"
            element={
              <RequirePermission permission={SPEND_CARD_PERMISSIONS}>
                <SpendCardsPage />
              </RequirePermission>
            }
          />
          <Route
            path="spend-cards/:id"
            element={
              <RequirePermission permission={SPEND_CARD_PERMISSIONS}>
                <SpendCardDetailPage />
              </RequirePermission>
            }
          />
          <Route path="credits" element={<CreditsPage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route
            path="close"
            element={
              <RequirePermission permission="view_all_spend">
                <ClosePage />
              </RequirePermission>
            }
          />
          <Route
            path="reports/variance"
            element={
              <RequirePermission permission={REPORT_PERMISSIONS}>
                <VarianceReportPage />
              </RequirePermission>
            }
          />
          <Route
            path="discounts"
            element={
              <RequirePermission permission="manage_budgets">
                <DiscountsPage />
              </RequirePermission>
            }
          />
          <Route
            path="recommendations"
            element={
              <RequirePermission permission={RECOMMENDATION_PERMISSIONS}>
                <RecommendationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="recommendations/:id"
            element={
              <RequirePermission permission={RECOMMENDATION_PERMISSIONS}>
                <RecommendationDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="accounts"
            element={
              <RequirePermission permission="manage_accounts">
                <AccountsPage />
              </RequirePermission>
            }
          />
          <Route
            path="accounts/:id"
            element={
              <RequirePermission permission="manage_accounts">
                <AccountDetailPage />
              </RequirePermission>
            }
          />
          <Route
            path="resources"
            element={
              <RequirePermission permission={['claim_any', 'claim_own']}>
                <ResourcesPage />
              </RequirePermission>
            }
          />
          <Route
            path="billing-periods"
            element={
              <RequirePermission permission="view_all_spend">
                <BillingPeriodsPage />
              </RequirePermission>
            }
          />
          <Route
            path="configuration"
            element={
              <RequirePermission permission="upload_chart_of_accounts">
                <ConfigurationPage />
              </RequirePermission>
            }
          />
          <Route
            path="users"
            element={
              <RequirePermission permission="manage_users">
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="users/integrations"
            element={
              <RequirePermission permission="manage_users">
                <IntegrationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="audit"
            element={
              <RequirePermission permission="read_audit">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
