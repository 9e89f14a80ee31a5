import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { localIsoDate, previousMonth } from '../src/lib/periods';
import { Api } from './api';
import { ADMIN } from './env';
import { logIn, openFromMenu, shot, uniqueName } from './helpers';

// The e2e backend starts without a Cost and Usage Report: the finance pages say so. Then the
// spec writes a small demo CUR where the server reads it (playwright.config.ts), refreshes,
// and claims a resource to a workload: one of another account is refused, naming it.

const FINOPS = fileURLToPath(new URL('../../.venv/bin/finops', import.meta.url));

function curDir(): string {
  const data = process.env.FINOPS_E2E_DATA_DIR;
  if (!data) throw new Error('FINOPS_E2E_DATA_DIR is not set (see playwright.config.ts)');
  return join(data, 'cur');
}

/** Resource ids and accounts of the rows the resources table shows. */
async function shownResources(page: Page) {
  const table = page.getByRole('table', { name: /^Open resources/ });
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.querySelector('th code')?.textContent ?? '',
      account: row.querySelectorAll('td code')[0]?.textContent ?? '',
    })),
  );
}

test('billing periods and resources: empty without a CUR, then refresh, claim and release', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await logIn(page, ADMIN.email, ADMIN.password);

  // Nothing loaded yet.
  await openFromMenu(page, 'Billing periods');
  await expect(page.getByRole('table', { name: 'Periods' })).toContainText('No billing period yet');
  await expect(page.getByRole('table', { name: 'Recent CUR events' })).toContainText(
    'No CUR delivery or refresh yet.',
  );
  await shot(page, 'billing-periods-empty');
  await openFromMenu(page, 'Resources');
  await expect(page.getByRole('table', { name: 'Open resources' })).toContainText(
    'the Cost and Usage Report has not been loaded',
  );
  await shot(page, 'resources-empty');
  await openFromMenu(page, 'Summary');
  await expect(page.getByRole('region', { name: /^Spend by budget/ })).toContainText(
    'No billing period has been loaded from the Cost and Usage Report yet.',
  );

  // A month of demo CUR where the server reads it, then "Refresh now".
  const period = previousMonth(localIsoDate().slice(0, 7));
  execFileSync(FINOPS, [
    'demo',
    'generate-cur',
    '--out',
    curDir(),
    '--rows',
    '2000',
    '--months',
    '1',
    '--start',
    period,
    '--accounts',
    '3',
    '--resources',
    '40',
  ]);
  await openFromMenu(page, 'Billing periods');
  await page.getByRole('button', { name: 'Refresh now' }).click();
  await expect(page.getByRole('status', { name: 'Refresh result' })).toContainText(`Refreshed 1 period from`);
  const periods = page.getByRole('table', { name: 'Periods' });
  await expect(periods.locator('tbody tr')).toHaveCount(1);
  await expect(periods.locator('tbody tr th')).toHaveText(
    new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${period}-01T00:00:00Z`),
    ),
  );
  await expect(
    page.getByRole('table', { name: 'Recent CUR events' }).locator('tbody tr').first(),
  ).toContainText('manual');
  await shot(page, 'billing-periods-refreshed');

  // A workload to claim to: a budget of this year, for the account of the first resource.
  await openFromMenu(page, 'Resources');
  await expect(
    page
      .getByRole('table', { name: /^Open resources/ })
      .locator('tbody tr')
      .first(),
  ).toContainText(/\d/);
  const resources = await shownResources(page);
  const mine = resources[0];
  const other = resources.find((r) => r.account !== mine.account)!;
  expect(other, 'the demo CUR has three accounts').toBeDefined();
  const year = Number(localIsoDate().slice(0, 4));
  const unit = uniqueName('Claim');
  const admin = await Api.as(request);
  await admin.uploadChart(`Claim_${year}_true_${year}-01-01_false_Budget_v1.csv`, [
    'Business Unit,Department,Portfolio,Product,Amount',
    `${unit},Tech,Shop,Cart,"24,000.00"`,
  ]);
  const budgetId = (await admin.node(year, [unit, 'Tech', 'Shop', 'Cart'])).budget_id!;
  // The CUR's accounts may be onboarded already ("Check for new accounts").
  const known = await admin.call<unknown[]>('GET', `/api/v1/accounts?q=${mine.account}`);
  if (known.length === 0) await admin.createAccount({ account_id: mine.account, name: `${unit} account` });
  const workload = `${unit} API`;
  await admin.createWorkload({
    budget_id: budgetId,
    account_id: mine.account,
    name: workload,
    calculator_url: 'https://calculator.aws/#/estimate?id=0123456789abcdef',
    monthly_estimate: '1500.00',
    launch_month: `${year}-01`,
  });
  await page.reload();

  // Two resources of two accounts to a workload of one: all or nothing, the other one named.
  await page.getByLabel(`Select ${mine.id}`).check();
  await page.getByLabel(`Select ${other.id}`).check();
  await page.getByRole('button', { name: 'Claim to workload…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Claim to workload' });
  const option = dialog.getByLabel('Workload').locator('option', { hasText: workload });
  await dialog.getByLabel('Workload').selectOption(await option.getAttribute('value'));
  await expect(dialog.getByText(`1 selected resource is not in account ${mine.account}`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Claim 2 resources' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Nothing was claimed');
  const refused = dialog.getByRole('table', { name: 'Refused resources' });
  await expect(refused.locator('tbody tr')).toHaveCount(1);
  await expect(refused.locator('tbody tr')).toContainText(other.id);
  await expect(refused.locator('tbody tr')).toContainText(`is not a resource of account ${mine.account}`);
  await shot(page, 'claim-refused');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // The resource of the workload's account alone is claimed; it leaves the open pool.
  await page.getByLabel(`Select ${other.id}`).uncheck();
  await page.getByRole('button', { name: 'Claim to workload…' }).click();
  await dialog.getByLabel('Workload').selectOption(await option.getAttribute('value'));
  await dialog.getByRole('button', { name: 'Claim 1 resource' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Claimed 1 resource' })).toContainText(
    `Claimed 1 resource to ${workload} from`,
  );
  await expect(page.getByLabel(`Select ${mine.id}`)).toHaveCount(0);

  // "Claimed" lists it with its budget, workload, date and who claimed it; then release it.
  await page.getByLabel('Claimed').check();
  await page.getByLabel('Search', { exact: true }).fill(mine.id);
  const claims = page.getByRole('table', { name: 'Claimed resources' });
  await expect(claims.locator('tbody tr')).toHaveCount(1);
  await expect(claims.locator('tbody tr td')).toContainText([mine.account, 'Cart', workload, ADMIN.email]);
  await shot(page, 'resources-claimed');
  await claims.getByLabel(`Select ${mine.id}`).check();
  await page.getByRole('button', { name: 'Release selected' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Released' })).toContainText('Released 1 resource');
  await expect(claims.locator('tbody tr')).toHaveText(['No resource is claimed.']);

  // The summary shows the period's spend by budget; nothing is allocated, so all of it is
  // Unallocated, which finance roles see.
  await openFromMenu(page, 'Summary');
  const spend = page.getByRole('table', { name: 'Spend by budget' });
  await expect(spend.locator('tbody tr').first()).toContainText('Unallocated');
  await shot(page, 'summary-spend');
});
