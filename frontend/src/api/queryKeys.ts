// Query keys in one table, so a mutation invalidates exactly the lists it changes.
import type {
  AccountsListAccountsData,
  AnomaliesListAnomaliesData,
  AllocationListClaimsData,
  AllocationListWorkloadsData,
  AuditListAuditEventsData,
  CreditsListCreditsData,
  DashboardHeatmapData,
  ReportsVarianceReportData,
  RecommendationsListRecommendationsData,
  SpendCardsListSpendCardsData,
  SpendGetSpendData,
  SpendListResourcesData,
  UsersListUsersData,
} from '../client';

export type UserFilters = NonNullable<UsersListUsersData['query']>;
/** `all` leaves the status out of the request. */
export type BudgetStatusFilter = 'active' | 'retired' | 'all';
export type AuditFilters = NonNullable<AuditListAuditEventsData['query']>;
export type AccountFilters = NonNullable<AccountsListAccountsData['query']>;
export type ResourceFilters = Omit<NonNullable<SpendListResourcesData['query']>, 'cursor'>;
export type ClaimFilters = NonNullable<AllocationListClaimsData['query']>;
export type WorkloadFilters = NonNullable<AllocationListWorkloadsData['query']>;
export type SpendCardFilters = NonNullable<SpendCardsListSpendCardsData['query']>;
export type CreditFilters = NonNullable<CreditsListCreditsData['query']>;
export type RecommendationFilters = NonNullable<RecommendationsListRecommendationsData['query']>;
export type SpendQuery = NonNullable<SpendGetSpendData['query']>;
export type VarianceQuery = NonNullable<ReportsVarianceReportData['query']>;
export type AnomalyFilters = NonNullable<AnomaliesListAnomaliesData['query']>;

export type HeatmapQuery = NonNullable<DashboardHeatmapData['query']>;

export const queryKeys = {
  me: ['me'] as const,
  users: {
    all: ['users'] as const,
    list: (filters: UserFilters) => ['users', 'list', filters] as const,
  },
  // Service accounts with their tokens, webhook subscriptions with their deliveries.
  integrations: {
    all: ['integrations'] as const,
    serviceAccounts: ['integrations', 'service-accounts'] as const,
    tokens: (accountId: number) => ['integrations', 'tokens', accountId] as const,
    subscriptions: ['integrations', 'webhook-subscriptions'] as const,
    events: ['integrations', 'webhook-events'] as const,
    deliveries: (subscriptionId: number) => ['integrations', 'deliveries', subscriptionId] as const,
  },
  years: ['years'] as const,
  // Lists, details and the hierarchy share one prefix: any budget change refreshes them all.
  budgets: {
    all: ['budgets'] as const,
    list: (year: number, status: BudgetStatusFilter) => ['budgets', 'list', year, status] as const,
    detail: (id: number) => ['budgets', 'detail', id] as const,
    hierarchy: (year: number) => ['budgets', 'hierarchy', year] as const,
  },
  budgetImports: {
    all: ['budget-imports'] as const,
    list: (year: number | null) => ['budget-imports', 'list', year] as const,
  },
  scope: {
    all: ['scope'] as const,
    of: (userId: number) => ['scope', userId] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  },
  accounts: {
    all: ['accounts'] as const,
    list: (filters: AccountFilters) => ['accounts', 'list', filters] as const,
    detail: (id: string) => ['accounts', 'detail', id] as const,
  },
  // Split histories and the summary's groups change together (a remap ends the old split).
  allocation: {
    all: ['allocation'] as const,
    ofAccount: (id: string) => ['allocation', 'account', id] as const,
    summary: ['allocation', 'summary'] as const,
  },
  billingPeriods: ['billing-periods'] as const,
  curEvents: ['cur-events'] as const,
  refreshStatus: ['cur-refresh-status'] as const,
  // Allocated spend follows the CUR, the splits and the claims: each of those refreshes it.
  spend: {
    all: ['spend'] as const,
    query: (query: SpendQuery) => ['spend', query] as const,
  },
  resources: {
    all: ['resources'] as const,
    list: (filters: ResourceFilters) => ['resources', 'list', filters] as const,
  },
  claims: {
    all: ['claims'] as const,
    list: (filters: ClaimFilters) => ['claims', 'list', filters] as const,
  },
  workloads: {
    all: ['workloads'] as const,
    list: (filters: WorkloadFilters) => ['workloads', 'list', filters] as const,
  },
  // A budget's schedule and its variance share a prefix: an amount change or a move of the
  // schedule refreshes both (invalidating `of` reaches `variance`).
  schedules: {
    all: ['schedules'] as const,
    of: (budgetId: number) => ['schedules', budgetId] as const,
    variance: (budgetId: number) => ['schedules', budgetId, 'variance'] as const,
  },
  // A decision changes the card, the lists it is in and the caller's tasks (invalidate both).
  spendCards: {
    all: ['spend-cards'] as const,
    list: (filters: SpendCardFilters) => ['spend-cards', 'list', filters] as const,
    detail: (id: number) => ['spend-cards', 'detail', id] as const,
  },
  // A credit change or an application moves balances, the ledger, the preview and the forecast.
  credits: {
    all: ['credits'] as const,
    list: (filters: CreditFilters) => ['credits', 'list', filters] as const,
    detail: (id: number) => ['credits', 'detail', id] as const,
    preview: (period: string) => ['credits', 'preview', period] as const,
    forecast: ['credits', 'forecast'] as const,
  },
  // A checklist save, a close or a reopen changes the period and the list of periods.
  closes: {
    all: ['closes'] as const,
    list: ['closes', 'list'] as const,
    detail: (period: string) => ['closes', 'detail', period] as const,
  },
  // A decision or an import changes lists, details, the top savings and the engineers' tasks.
  recommendations: {
    all: ['recommendations'] as const,
    list: (filters: RecommendationFilters) => ['recommendations', 'list', filters] as const,
    top: (limit: number) => ['recommendations', 'top', limit] as const,
    detail: (id: number) => ['recommendations', 'detail', id] as const,
    imports: ['recommendations', 'imports'] as const,
  },
  tasks: ['tasks'] as const,
  // The variance report reads spend and schedules: spend invalidations reach it (same prefix).
  reports: {
    variance: (query: VarianceQuery) => ['spend', 'variance', query] as const,
  },
  // Under the `spend` prefix: whatever reallocates the spend refreshes the dashboard too.
  dashboard: {
    heatmap: (query: HeatmapQuery) => ['spend', 'dashboard', 'heatmap', query] as const,
    monthly: (year: number, node: number | null) => ['spend', 'dashboard', 'monthly', year, node] as const,
    services: (account: string, year: number) => ['spend', 'dashboard', 'services', account, year] as const,
  },
  // A discount change reallocates the spend: it invalidates `spend` too.
  discounts: ['discounts'] as const,
  notifications: {
    all: ['notifications'] as const,
    list: (unread: boolean) => ['notifications', unread] as const,
  },
  // Forecasts and anomalies are read from the spend: spend invalidations reach them.
  forecasts: {
    list: (year: number | null) => ['spend', 'forecasts', year] as const,
    cumulative: (budgetId: number, year: number) =>
      ['spend', 'forecasts', 'cumulative', budgetId, year] as const,
    anomalies: (filters: AnomalyFilters) => ['spend', 'anomalies', filters] as const,
  },
};
