import { expect, type APIRequestContext } from '@playwright/test';
import { ADMIN } from './env';

// Spec set-up through the same API the dashboard uses: what a spec is not about (loading a
// year, onboarding its users) is done here, quickly, so the browser drives only the story.

export interface HierarchyNode {
  id: number;
  name: string;
  level: number;
  budget_id?: number | null;
  children: HierarchyNode[];
}

export class Api {
  constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

  static async as(request: APIRequestContext, email = ADMIN.email, password = ADMIN.password): Promise<Api> {
    const response = await request.post('/api/v1/auth/token', { form: { username: email, password } });
    expect(response.status(), await response.text()).toBe(200);
    return new Api(request, ((await response.json()) as { access_token: string }).access_token);
  }

  private get headers() {
    return { Authorization: `Bearer ${this.token}` };
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, data?: unknown, status = [200, 201]) {
    const response = await this.request.fetch(url, { method, headers: this.headers, data });
    expect(status, `${method} ${url}: ${await response.text()}`).toContain(response.status());
    return (await response.json()) as T;
  }

  /** Load a chart of accounts (the file name carries the options). */
  async uploadChart(name: string, lines: string[]) {
    const response = await this.request.post('/api/v1/budget-imports', {
      headers: this.headers,
      multipart: {
        file: { name, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8') },
      },
    });
    expect(response.status(), await response.text()).toBe(201);
  }

  async hierarchy(year: number): Promise<HierarchyNode[]> {
    return (await this.call<{ nodes: HierarchyNode[] }>('GET', `/api/v1/hierarchy?year=${year}`)).nodes;
  }

  /** The node at a path of names from the top ("North", "Sales", ...). */
  async node(year: number, path: string[]): Promise<HierarchyNode> {
    let nodes = await this.hierarchy(year);
    let found: HierarchyNode | undefined;
    for (const name of path) {
      found = nodes.find((n) => n.name === name);
      expect(found, `no node ${path.join(' / ')} in ${year}`).toBeDefined();
      nodes = found!.children;
    }
    return found!;
  }

  async createUser(user: { email: string; name: string; role: string; password: string }) {
    return this.call<{ id: number }>('POST', '/api/v1/users', user);
  }

  async setScope(userId: number, nodeIds: number[]) {
    return this.call('PUT', `/api/v1/users/${userId}/scope`, { node_ids: nodeIds });
  }

  async schedule(budgetId: number) {
    return this.call<{ version: number; status: string; months: { month: string; amount: string | null }[] }>(
      'GET',
      `/api/v1/budgets/${budgetId}/schedule`,
    );
  }

  async saveSchedule(budgetId: number, months: { month: string; amount: string }[], version: number) {
    return this.call<{ version: number }>('PUT', `/api/v1/budgets/${budgetId}/schedule`, { months, version });
  }

  async createAccount(account: { account_id: string; name: string; account_type?: string }) {
    return this.call('POST', '/api/v1/accounts', account);
  }

  /** The whole account to one budget from `effectiveFrom` (a 1st of a month or a Monday). */
  async splitAccount(accountId: string, budgetId: number, effectiveFrom: string) {
    return this.call('PUT', `/api/v1/accounts/${accountId}/allocation`, {
      splits: [{ budget_id: budgetId, percent: '100.00' }],
      effective_from: effectiveFrom,
    });
  }

  async createWorkload(workload: {
    budget_id: number;
    account_id: string;
    name: string;
    calculator_url: string;
    monthly_estimate: string;
    launch_month: string;
  }) {
    return this.call<{ id: number }>('POST', '/api/v1/workloads', workload);
  }
}
