import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import { budgetRow, logIn, openFromMenu, shot, uniqueName } from './helpers';

test('name a year, add a line item, change its amount from July and read the version history', async ({
  page,
}) => {
  const segment = uniqueName('Core');
  const product = 'Billing Service';
  await logIn(page, ADMIN.email, ADMIN.password);

  // The year's own level names, before any file is loaded.
  await openFromMenu(page, 'Configuration');
  const naming = page.getByRole('form', { name: 'Define year naming' });
  await naming.getByLabel('Fiscal year').fill('2027');
  for (const [index, label] of ['Segment', 'Division', 'Programme', 'Product'].entries()) {
    await naming.getByLabel(`Level ${index + 1} label`).fill(label);
  }
  await naming.getByRole('button', { name: 'Save year naming' }).click();
  await expect(naming.getByRole('status')).toHaveText('Year 2027: Segment › Division › Programme › Product.');

  // "Add line item": the inputs carry the year's labels.
  await openFromMenu(page, 'Budgets', /^Budgets/);
  await page.getByLabel('Year', { exact: true }).selectOption('2027');
  await expect(page.getByRole('heading', { name: 'Budgets 2027', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Add line item' }).click();
  const add = page.getByRole('form', { name: 'Add line item' });
  await add.getByLabel('Segment').fill(segment);
  await add.getByLabel('Division').fill('Cloud');
  await add.getByLabel('Programme').fill('Platform');
  await add.getByLabel('Product', { exact: true }).fill(product);
  await add.getByLabel('Annual amount (USD)').fill('12,000');
  await add.getByRole('button', { name: 'Add line item' }).click();
  await expect(add.getByRole('status')).toContainText(
    `Added ${segment} › Cloud › Platform › ${product} with 12,000.00 USD from January 2027.`,
  );
  // The same product again is refused: change its amount instead.
  await add.getByLabel('Product', { exact: true }).fill(product.toUpperCase());
  await add.getByLabel('Annual amount (USD)').fill('1');
  await add.getByRole('button', { name: 'Add line item' }).click();
  await expect(add.getByRole('alert')).toContainText('already has a budget');

  await page.getByLabel('Filter', { exact: true }).fill(segment);
  const row = budgetRow(page, product);
  await expect(row.locator('td.num')).toHaveText('12,000.00');

  // A wrong amount is reported next to the amount field.
  await row.getByRole('button', { name: 'Change amount' }).click();
  const change = page.getByRole('form', { name: `Change the amount of ${product}` });
  await change.getByLabel('New annual amount (USD)').fill('-5');
  await change.getByLabel('Effective from').selectOption({ label: 'July 2027' });
  await change.getByRole('button', { name: 'Save new amount' }).click();
  await expect(change.getByLabel('New annual amount (USD)')).toHaveAttribute('aria-invalid', 'true');
  await expect(change.locator('.field-errors')).toContainText('must not be negative');
  await shot(page, 'budget-change-amount-error');

  // From July 1st the amount is 18,000.00.
  await change.getByLabel('New annual amount (USD)').fill('18,000.00');
  await expect(change.getByLabel('Effective from')).toHaveValue('2027-07-01');
  await change.getByRole('button', { name: 'Save new amount' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'from July 2027' })).toHaveText(
    `${product}: 18,000.00 USD from July 2027; earlier months keep their amounts.`,
  );
  await expect(row.locator('td.num')).toHaveText('18,000.00');

  // The detail page keeps both versions; the months before July keep 12,000.00.
  await row.getByRole('link', { name: product }).click();
  await expect(page.getByRole('heading', { name: product, level: 1 })).toBeVisible();
  await expect(page.getByText(`${segment} › Cloud › Platform › ${product}`)).toBeVisible();
  const versions = page.getByRole('table', { name: 'Version history' });
  await expect(versions.locator('tbody tr')).toHaveCount(2);
  await expect(versions.locator('tbody tr').nth(0).locator('th, td')).toContainText([
    'January 2027',
    '12,000.00',
    'Dashboard',
    ADMIN.email,
  ]);
  await expect(versions.locator('tbody tr').nth(1).locator('th, td')).toContainText([
    'July 2027',
    '18,000.00',
    'Dashboard',
    ADMIN.email,
  ]);
  const months = page.getByRole('table', { name: 'Annual amount in force, month by month' });
  await expect(months.locator('tbody td.num')).toHaveText([
    ...Array<string>(6).fill('12,000.00'),
    ...Array<string>(6).fill('18,000.00'),
  ]);
  await expect(months.locator('tbody tr', { hasText: 'July 2027' })).toContainText('new version');
  await shot(page, 'budget-version-history');

  const downloading = page.waitForEvent('download');
  await page
    .locator('.page-head')
    .filter({ has: page.getByRole('heading', { name: 'Version history' }) })
    .getByRole('button', { name: 'Download CSV' })
    .click();
  const csv = readFileSync(await (await downloading).path(), 'utf8').replace(/^\uFEFF/, '');
  expect(csv.split('\r\n').slice(0, 3)).toEqual([
    'effective_from,annual_amount,currency,source,created_by,created_at',
    expect.stringMatching(/^2027-01-01,12000\.00,USD,dashboard,/),
    expect.stringMatching(/^2027-07-01,18000\.00,USD,dashboard,/),
  ]);

  // Back to the year's list.
  await page.getByRole('link', { name: 'Budgets 2027' }).click();
  await expect(page.getByRole('heading', { name: 'Budgets 2027', level: 1 })).toBeVisible();
});
