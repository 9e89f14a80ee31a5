import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import {
  budgetRow,
  logIn,
  logOut,
  openFromMenu,
  shot,
  treeRow,
  uniqueEmail,
  uniqueName,
  uploadChart,
  userRow,
} from './helpers';

test('a portfolio owner mapped to one portfolio sees only its budgets', async ({ page }) => {
  const west = uniqueName('West');
  const email = uniqueEmail('polly');
  const password = 'polly-password-123';

  // The Admin loads a year with two departments, three portfolios.
  await logIn(page, ADMIN.email, ADMIN.password);
  await openFromMenu(page, 'Configuration');
  await uploadChart(page, 'Scope_2028_true_2028-01-01_false_Budget_v1.csv', [
    'Business Unit,Department,Portfolio,Product,Amount',
    `${west},Retail,Stores,POS,"$1,000.00"`,
    `${west},Retail,Stores,Inventory,"$2,000.00"`,
    `${west},Retail,Online,Storefront,"$4,000.00"`,
    `${west},Logistics,Fleet,Routing,"$8,000.00"`,
  ]);
  await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toContainText('into 2028: 4 created');

  // Where the Storefront budget lives, to ask for it later as the owner.
  await page.goto('/budgets?year=2028');
  await page.getByLabel('Filter', { exact: true }).fill(west);
  const storefrontHref = await budgetRow(page, 'Storefront').getByRole('link').getAttribute('href');
  expect(storefrontHref).toMatch(/^\/budgets\/\d+$/);

  // ...onboards a portfolio owner...
  await openFromMenu(page, 'Users');
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill('Polly Portfolio');
  await form.getByLabel('Role').selectOption({ label: 'Portfolio Owner' });
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.getByRole('status')).toHaveText(`Added ${email} as Portfolio Owner.`);
  await page.getByLabel('Search', { exact: true }).fill(email);
  const row = userRow(page, email);
  await expect(row).toHaveCount(1);
  const scopeCell = row.getByRole('cell').nth(3);
  await expect(scopeCell).toContainText('none');

  // ...and maps them to a portfolio. Two portfolios of different departments are refused.
  await row.getByRole('button', { name: 'Scope' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scope of Polly Portfolio' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('None: this user sees no budgets yet.')).toBeVisible();
  await dialog.getByLabel('Year').selectOption('2028');
  await dialog.getByLabel('Find').fill(west);
  const picker = dialog.getByRole('group', { name: 'Portfolio nodes of 2028' });
  await expect(picker.getByRole('checkbox')).toHaveCount(3);
  await picker.getByLabel(`${west} › Retail › Stores`).check();
  await picker.getByLabel(`${west} › Logistics › Fleet`).check();
  await dialog.getByRole('button', { name: 'Save scope' }).click();
  await expect(dialog.getByRole('alert')).toContainText('The scope was not saved');
  // The server's message names nodes by id; the dialog shows their paths instead.
  await expect(dialog.locator('.field-errors')).toContainText(
    `node “${west} › Logistics › Fleet” has parent “${west} › Logistics”`,
  );
  await expect(dialog.locator('.field-errors')).toContainText('share one parent');
  await shot(page, 'scope-dialog-error');

  await picker.getByLabel(`${west} › Logistics › Fleet`).uncheck();
  await dialog.getByRole('button', { name: 'Save scope' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Scope of' })).toHaveText(
    `Scope of ${email}: ${west} › Retail › Stores.`,
  );
  await expect(scopeCell.getByRole('listitem')).toHaveText(`${west} › Retail › Stores (2028)`);
  await shot(page, 'users-scope-assigned');
  await logOut(page);

  // The owner sees the two products of that portfolio, nothing else.
  await logIn(page, email, password);
  await openFromMenu(page, 'Budgets', /^Budgets/);
  await page.getByLabel('Year', { exact: true }).selectOption('2028');
  await expect(page.getByRole('heading', { name: 'Budgets 2028', level: 1 })).toBeVisible();
  const list = page.getByRole('table', { name: 'Product budgets' });
  await expect(list.locator('tbody').getByRole('rowheader')).toHaveText(['Inventory', 'POS']);
  await expect(list.locator('tfoot td.num')).toHaveText('3,000.00');
  await expect(page.getByRole('button', { name: 'Add line item' })).toHaveCount(0);
  await expect(list.getByRole('button', { name: 'Change amount' })).toHaveCount(0);
  // The tree starts at their portfolio.
  await expect(page.locator('table.tree-table tbody tr')).toHaveCount(3);
  await expect(treeRow(page, 'Stores').locator('td.num')).toHaveText('3,000.00');
  await expect(treeRow(page, 'Stores / POS').locator('td.num')).toHaveText('1,000.00');
  await shot(page, 'budgets-portfolio-owner');

  // A budget outside the scope answers like one that does not exist.
  await page.goto(storefrontHref!);
  await expect(page.getByRole('heading', { name: 'Budget not found', level: 1 })).toBeVisible();
});
