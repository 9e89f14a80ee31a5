import { expect, test, type Page } from '@playwright/test';
import { formatAmount } from '../src/lib/money';
import { Api } from './api';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, openFromMenu, shot } from './helpers';

// The heat map on the demo organisation: the figures shown are the API's, the drill-down
// walks business unit → department → portfolio → product, the Monthly/Annual toggle and the
// drill-down live in the URL, and a shared URL opens the same view.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 800 } });

interface Figures {
  spend: string;
  approved_spend: string | null;
  budget: string | null;
  variance: string | null;
  budgets: number;
  approved_budgets: number;
}
interface HeatmapRow extends Figures {
  node_id: number;
  name: string;
  level: number;
}
interface Heatmap {
  total: Figures;
  rows: HeatmapRow[];
  tiles: { name: string }[];
  product: { months: { month: string; actual: string | null }[] } | null;
}

/** The year the pages open on: the server's default (the demo's year stays the page's year
 * after New Year, until next year's chart is loaded). */
async function openYear(api: Api): Promise<number> {
  const years = await api.call<{ year: number; default: boolean }[]>('GET', '/api/v1/years');
  const year = years.find((y) => y.default)?.year;
  expect(year).toBeDefined();
  return year!;
}

async function heatmapOf(api: Api, query: string): Promise<Heatmap> {
  return api.call<Heatmap>('GET', `/api/v1/dashboard/heatmap?${query}`);
}

function rowsTable(page: Page) {
  return page.getByRole('table', { name: /with spend, budget and variance$/ });
}

async function expectTotal(page: Page, heatmap: Heatmap) {
  await expect(page.getByTestId('heatmap-total')).toContainText(formatAmount(heatmap.total.spend));
}

test('finance drills down from the business units to a product and shares the view', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const api = await Api.as(request, DEMO.finance, DEMO_PASSWORD);
  await logIn(page, DEMO.finance, DEMO_PASSWORD);
  await openFromMenu(page, 'Heat map');
  const year = await openYear(api);

  // Annual, the top of the scope: the figures are the API's.
  const top = await heatmapOf(api, `year=${year}`);
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByRole('list', { name: /Colour legend/ })).toContainText('Not approved');
  await expectTotal(page, top);
  const table = rowsTable(page);
  await expect(table.locator('tbody th')).toHaveText(top.rows.map((r) => r.name));
  for (const row of top.rows) {
    const shown = table.getByTestId(`row-${row.node_id}`);
    await expect(shown).toContainText(formatAmount(row.spend));
    // budget and variance measure the approved budgets: their spend is shown beside them
    await expect(shown).toContainText(`${row.approved_budgets} of ${row.budgets}`);
    for (const figure of [row.approved_spend, row.budget, row.variance]) {
      if (figure !== null) await expect(shown).toContainText(formatAmount(figure));
    }
  }
  await shot(page, 'heatmap-annual');

  // Details: business unit → department → portfolio → product, each in the URL.
  let rows = top.rows;
  const path = ['Retail', 'Digital Commerce', 'Web Storefront', 'Checkout'];
  for (const name of path) {
    const row = rows.find((r) => r.name === name);
    expect(row, `${name} is a row`).toBeTruthy();
    await page.getByRole('button', { name: `Details of ${name}` }).click();
    await expect(page).toHaveURL(new RegExp(`node=${row!.node_id}`));
    await expect(page.getByRole('navigation', { name: 'Breadcrumbs' })).toContainText(name);
    const shown = await heatmapOf(api, `year=${year}&node_id=${row!.node_id}`);
    await expectTotal(page, shown);
    rows = shown.rows;
  }
  const product = page.getByRole('table', { name: 'Monthly schedule with actuals and cumulative estimates' });
  await expect(product).toBeVisible();
  await expect(product.locator('tbody tr')).toHaveCount(12);
  await shot(page, 'heatmap-product');

  // Monthly: the URL says so and every figure follows.
  await page.getByRole('button', { name: 'Monthly' }).click();
  await expect(page).toHaveURL(/view=monthly&month=\d+/);
  await expect(page.getByRole('button', { name: 'Monthly' })).toHaveAttribute('aria-pressed', 'true');
  const url = new URL(page.url());
  const month = url.searchParams.get('month');
  const node = url.searchParams.get('node');
  await expectTotal(page, await heatmapOf(api, `year=${year}&month=${month}&node_id=${node}`));

  // The shared URL opens the same view in another tab.
  // (a new tab has no session: the log-in opens the view asked for)
  const other = await page.context().newPage();
  await other.goto(url.pathname + url.search);
  await other.getByLabel('Email').fill(DEMO.finance);
  await other.getByLabel('Password').fill(DEMO_PASSWORD);
  await other.getByRole('button', { name: 'Log in' }).click();
  await expect(other.getByRole('navigation', { name: 'Breadcrumbs' })).toContainText('Checkout');
  await expect(other.getByRole('button', { name: 'Monthly' })).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByLabel('Month', { exact: true })).toHaveValue(month ?? '');
  await other.close();

  // Back to the top by the breadcrumb, then the keyboard reaches the toggle.
  await page.getByRole('button', { name: 'All in scope' }).click();
  await expect(page).not.toHaveURL(/node=/);
  await page.getByRole('button', { name: 'Annual' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/view=annual/);
  await expect(page.getByRole('region', { name: /^Spend by month/ })).toBeVisible();

  // A narrow screen keeps every visual.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await shot(page, 'heatmap-narrow');
});

test('a portfolio owner sees only their portfolio', async ({ page, request }) => {
  const api = await Api.as(request, DEMO.portfolio, DEMO_PASSWORD);
  const year = await openYear(api);
  const mine = await heatmapOf(api, `year=${year}`);
  await logIn(page, DEMO.portfolio, DEMO_PASSWORD);
  await openFromMenu(page, 'Heat map');
  await expect(rowsTable(page).locator('tbody th')).toHaveText(mine.rows.map((r) => r.name));
  await expectTotal(page, mine);
  expect(mine.rows.map((r) => r.name)).toEqual(['Web Storefront']);
  await shot(page, 'heatmap-portfolio-owner');
});
