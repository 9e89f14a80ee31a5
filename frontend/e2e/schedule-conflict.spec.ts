import { expect, test } from '@playwright/test';
import { Api } from './api';
import { logIn, shot, uniqueEmail, uniqueName } from './helpers';

// A save sends the version the editor read; someone else's save in between makes it stale,
// and the page says so instead of overwriting. Year 2030 is this spec's own.

const YEAR = 2030;

test('saving a stale schedule answers "changed meanwhile" and the reload shows the other save', async ({
  page,
  request,
}) => {
  const unit = uniqueName('Stale');
  const admin = await Api.as(request);
  await admin.uploadChart(`Stale_${YEAR}_true_${YEAR}-01-01_false_Budget_v1.csv`, [
    'Business Unit,Department,Portfolio,Product,Amount',
    `${unit},Ops,Tools,Ledger,"6,000.00"`,
  ]);
  const budgetId = (await admin.node(YEAR, [unit, 'Ops', 'Tools', 'Ledger'])).budget_id!;
  // Schedules are edited by their owner side (a Financial Admin here); the Admin only decides.
  const fin = { email: uniqueEmail('fin'), name: 'Fiona Finance', password: 'fin-password-1234' };
  await admin.createUser({ ...fin, role: 'financial_admin' });
  const finance = await Api.as(request, fin.email, fin.password);

  await logIn(page, fin.email, fin.password);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
  await page.goto(`/budgets/${budgetId}`);
  await expect(page.getByRole('heading', { name: 'Ledger', level: 1 })).toBeVisible();
  const months = page.getByRole('table', { name: 'Monthly schedule' }).locator('tbody tr');
  await expect(months).toHaveCount(12);
  await page.getByRole('button', { name: 'Spread evenly' }).click();
  await expect(page.getByLabel(`Amount for January ${YEAR}`)).toHaveValue('500.00');

  // Meanwhile someone else saves a different draft.
  const read = await finance.schedule(budgetId);
  await finance.saveSchedule(
    budgetId,
    read.months.map((m, i) => ({ month: m.month, amount: i === 0 ? '6000.00' : '0.00' })),
    read.version,
  );

  await page.getByRole('button', { name: 'Save draft' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'changed meanwhile' });
  await expect(alert).toContainText('This schedule changed meanwhile — reload it to see the current version');
  await expect(alert).toContainText(`you sent ${read.version}`);
  await shot(page, 'schedule-conflict-409');

  await alert.getByRole('button', { name: 'Reload' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.locator('#schedule-title .badge')).toHaveText('Draft');
  await expect(page.getByLabel(`Amount for January ${YEAR}`)).toHaveValue('6000.00');
  await expect(page.getByLabel(`Amount for February ${YEAR}`)).toHaveValue('0.00');
  await expect(page.getByText(`Version ${read.version + 1}.`)).toBeVisible();
});
