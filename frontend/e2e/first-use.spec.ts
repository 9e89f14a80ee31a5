import { expect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, logOut, openFromMenu, shot } from './helpers';

// Issue #12 items 6–12 on the demo server (read-only: the spend-card spec changes cards only):
// the budgets page opens the year of today, resources come biggest first and paged, the
// billing periods say what the last refresh did, the audit log reads as sentences, and the
// Cloud Engineer's summary is not empty.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1440, height: 900 } });
test.describe.configure({ mode: 'serial' });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

function amount(text: string): number {
  return Number(text.replace(/[^0-9.-]/g, ''));
}

test('finance lands on the demo year, the costliest resources and the last refresh', async ({ page }) => {
  await signIn(page, 'fin@demo.finops');
  // the demo's only year, 2026, holds today (or is the newest before it)
  await openFromMenu(page, 'Budgets', /^Budgets/);
  await expect(page.getByRole('heading', { name: 'Budgets 2026', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Year', { exact: true })).toHaveValue('2026');

  await openFromMenu(page, 'Resources');
  const table = page.getByRole('table', { name: /^Open resources/ });
  await expect(table.locator('tbody tr').first()).toContainText(/\d/);
  const costs = (await table.locator('tbody tr td.num').allTextContents()).map(amount);
  expect(costs.length).toBeGreaterThan(10);
  expect(costs).toEqual([...costs].sort((a, b) => b - a));
  await expect(page.getByRole('navigation', { name: 'open resources pages' })).toContainText(
    /of [\d,]+ open resources/,
  );
  await shot(page, 'resources-by-cost');

  await openFromMenu(page, 'Billing periods');
  await expect(page.getByLabel('Last refresh')).toContainText('by finops demo load');
  await expect(page.getByLabel('Last refresh')).toContainText(/rows/);
  await shot(page, 'billing-periods-last-refresh');
  await logOut(page);
});

test('the audit log names who did what to which object, before and after', async ({ page }) => {
  await signIn(page, 'admin@demo.finops');
  await openFromMenu(page, 'Audit log');
  await page.getByLabel('Action').fill('schedule.approve');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // the newest approval: the demo's roll-out, whose last schedule is the Advertising portfolio's
  const row = page.locator('tbody tr').first();
  await expect(row).toContainText('Adam Ads');
  await expect(row).toContainText('approved the schedule of');
  await expect(row.getByRole('link', { name: 'Ad Analytics' })).toHaveAttribute('href', /\/budgets\/\d+$/);
  await expect(row.locator('.audit-change')).not.toBeEmpty();
  await shot(page, 'audit-log-sentences');
  await logOut(page);
});

test("the Cloud Engineer's summary says what the role does and lists resources", async ({ page }) => {
  await signIn(page, 'engineer@demo.finops');
  await expect(page.getByRole('heading', { name: 'Your work as Cloud Engineer' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Top resources by cost' }).locator('tbody tr')).toHaveCount(
    10,
  );
  await shot(page, 'summary-cloud-engineer');
});
