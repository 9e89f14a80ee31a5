import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN } from './env';
import { budgetRow, logIn, openFromMenu, shot, treeRow, uniqueName, uploadChart } from './helpers';

// Each test loads its own fiscal year, so the specs stay independent of each other and of
// their order; node names carry the run's tag.

async function openConfiguration(page: Page) {
  await logIn(page, ADMIN.email, ADMIN.password);
  await openFromMenu(page, 'Configuration');
}

async function openBudgets(page: Page, year: number) {
  await page.goto(`/budgets?year=${year}`);
  await expect(page.getByRole('heading', { name: `Budgets ${year}`, level: 1 })).toBeVisible();
}

test.describe('chart-of-accounts upload', () => {
  test('a good file loads every product: counts, the budgets list and the rolled-up tree', async ({
    page,
  }) => {
    const north = uniqueName('North');
    const south = uniqueName('South');
    const file = 'E2E_2025_true_2025-01-01_false_Budget_v1.csv';
    await openConfiguration(page);

    await page.getByLabel('Chart-of-accounts file').setInputFiles({
      name: file,
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'Division,Department,Portfolio,Product,Annual Budget,Cost Centre',
          `${north},Sales,Retail,Web Shop,"$1,200.00",CC-101`,
          `${north},Sales,Retail,Mobile App,"$800.50",CC-102`,
          `${north},Sales,Wholesale,Partner API,"$2,000.00",CC-103`,
          `${north},Operations,Platform,Networking,"$1,000.00",CC-201`,
          `${south},Research,Lab,Forecasting,"$3,500.25",CC-301`,
        ].join('\r\n') + '\r\n',
      ),
    });
    // The options the file name carries are shown before the upload.
    await expect(page.getByText('From the file name:')).toContainText(
      'year 2025, new true, start 2025-01-01, override false, version v1, customer E2E',
    );
    await page.getByRole('button', { name: 'Upload chart of accounts' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toHaveText(
      `Loaded ${file} into 2025: 5 created, 0 updated, 0 reactivated, 0 retired, 0 unchanged.`,
    );
    const counts = page.getByRole('definition');
    await expect(counts).toHaveText(['5', '0', '0', '0', '0']);
    await expect(page.getByText('Levels: Division › Department › Portfolio › Product.')).toBeVisible();
    await shot(page, 'chart-upload-good');

    // The load is in the history, with its options and counts, and the history downloads.
    const history = page.getByRole('table', { name: 'Import history' });
    const loaded = history.locator('tbody tr', { hasText: file }).first();
    await expect(loaded).toContainText(ADMIN.email);
    await expect(loaded).toContainText('new year · from 2025-01-01 · version v1 · customer E2E');
    await expect(loaded.locator('td.num')).toHaveText(['2025', '5', '0', '0', '0', '0']);
    const downloading = page.waitForEvent('download');
    await page
      .getByRole('form', { name: 'Filter the import history' })
      .getByRole('button', { name: 'Download CSV' })
      .click();
    const csv = readFileSync(await (await downloading).path(), 'utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n')[0]).toBe(
      'id,uploaded_at,uploaded_by,filename,year,customer,is_new,start_date,is_override,version,created,updated,reactivated,retired,unchanged,size_bytes,sha256',
    );
    expect(csv).toContain(`,${ADMIN.email},${file},2025,E2E,true,2025-01-01,false,v1,5,0,0,0,0,`);

    // The budgets page of the year: the file's level names head the columns.
    await page.getByRole('link', { name: 'Open the 2025 budgets' }).click();
    await expect(page.getByRole('heading', { name: 'Budgets 2025', level: 1 })).toBeVisible();
    const list = page.getByRole('table', { name: 'Product budgets' });
    await expect(list.locator('thead th')).toHaveText([
      'Division',
      'Department',
      'Portfolio',
      'Product',
      'Annual amount (USD)',
      'Status',
      'Schedule',
      'Start date',
      'Actions',
    ]);
    await page.getByLabel('Filter', { exact: true }).fill(north.split(' ')[1]);
    await expect(list.locator('tbody tr')).toHaveCount(5);
    const web = budgetRow(page, 'Web Shop');
    await expect(web.locator('td')).toContainText([
      north,
      'Sales',
      'Retail',
      '1,200.00',
      'Active',
      '1 Jan 2025',
    ]);
    await expect(web.locator('td.num')).toHaveCSS('text-align', 'right');
    await expect(budgetRow(page, 'Forecasting').locator('td.num')).toHaveText('3,500.25');
    await expect(list.locator('tfoot')).toContainText('5 product budgets');
    await expect(list.locator('tfoot td.num')).toHaveText('8,500.75');

    // The filter narrows the list; the CSV holds exact amounts.
    await page.getByLabel('Filter', { exact: true }).fill(`${north} retail`);
    await expect(list.locator('tbody tr')).toHaveCount(2);
    await expect(list.locator('tfoot td.num')).toHaveText('2,000.50');
    const listDownload = page.waitForEvent('download');
    await page
      .getByRole('search', { name: 'Filter budgets' })
      .getByRole('button', { name: 'Download CSV' })
      .click();
    const listCsv = readFileSync(await (await listDownload).path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = listCsv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,year,Division,Department,Portfolio,Product,annual_amount,currency,status,start_date,retired_from,schedule_status,Cost Centre',
    );
    expect(lines).toHaveLength(3);
    expect(listCsv).toContain(
      `,2025,${north},Sales,Retail,Mobile App,800.50,USD,active,2025-01-01,,none,CC-102`,
    );

    // The tree rolls the amounts up: products → portfolios → departments → divisions.
    await page.getByRole('button', { name: 'Expand all' }).click();
    const expected: [string, string][] = [
      [north, '5,000.50'],
      [`${north} / Sales`, '4,000.50'],
      [`${north} / Sales / Retail`, '2,000.50'],
      [`${north} / Sales / Retail / Web Shop`, '1,200.00'],
      [`${north} / Sales / Wholesale`, '2,000.00'],
      [`${north} / Operations`, '1,000.00'],
      [south, '3,500.25'],
      [`${south} / Research / Lab / Forecasting`, '3,500.25'],
    ];
    for (const [path, amount] of expected) {
      await expect(treeRow(page, path).locator('td.num')).toHaveText(amount);
    }
    await expect(treeRow(page, `${north} / Sales / Retail`).locator('td').first()).toHaveText('Portfolio');
    await page.getByLabel('Filter', { exact: true }).fill(north.split(' ')[1]);
    await shot(page, 'budgets-list-and-tree');

    // Collapsing a node hides what is below it.
    await treeRow(page, north).getByRole('button', { name: north }).click();
    await expect(treeRow(page, `${north} / Sales`)).toHaveCount(0);
    await expect(treeRow(page, north).getByRole('button', { name: north })).toHaveAttribute(
      'aria-expanded',
      'false',
    );
  });

  test('a bad file lists every problem, options included, and changes nothing', async ({ page }) => {
    const east = uniqueName('East');
    await openConfiguration(page);
    // A year with two products to compare against.
    await uploadChart(page, 'E2EBad_2026_true_2026-01-01_false_Budget_v1.csv', [
      'Business Unit,Department,Portfolio,Product,Amount',
      `${east},Sales,Retail,Web,"$1,000.00"`,
      `${east},Sales,Retail,App,"$500.00"`,
    ]);
    await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toContainText(
      'into 2026: 2 created',
    );

    const bad = 'E2EBad_2026_false_2026-07-01_false_Budget_v2.csv';
    await page.getByLabel('Start date').fill('2026-07-15');
    await uploadChart(page, bad, [
      'Business Unit,Department,Portfolio,Product,Amount',
      `${east},Sales,Retail,Web,"$9,999.00"`,
      `${east},Sales,Retail,Kiosk,-250`,
      `${east},Sales,Retail,Tablet,100`,
      `${east},Sales,Retail,tablet,200`,
      `${east},,Retail,Watch,300`,
    ]);
    await expect(page.getByRole('alert').filter({ hasText: 'was rejected' })).toContainText(
      `${bad} was rejected: The file cannot be loaded: 5 error(s)`,
    );
    const errors = page.getByRole('table', { name: 'Row errors' });
    await expect(errors.locator('caption')).toHaveText(`5 problems in ${bad}`);
    const rows = errors.locator('tbody tr');
    await expect(rows).toHaveCount(5);
    await expect(rows.nth(0).locator('td')).toHaveText([
      'whole file',
      'Start date (option)',
      /1st of a month/,
    ]);
    await expect(rows.nth(1).locator('td')).toHaveText(['3', 'Amount', /must not be negative/]);
    await expect(rows.nth(2).locator('td')).toHaveText(['4', 'Product', /duplicate product path.*row 5/]);
    await expect(rows.nth(3).locator('td')).toHaveText(['5', 'Product', /duplicate product path.*row 4/]);
    await expect(rows.nth(4).locator('td')).toHaveText(['6', 'Department', /Department name is blank/]);
    // The option's error is also next to the option.
    await expect(page.getByLabel('Start date')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#chart-import-start_date-errors')).toContainText('1st of a month');
    await shot(page, 'chart-upload-bad');

    // Nothing changed: no import recorded, the same two budgets with the same amounts. (Other
    // specs load files into 2026 too, the current year: count this spec's own.)
    await page.getByLabel('Year', { exact: true }).selectOption('2026');
    const history = page.getByRole('table', { name: 'Import history' });
    await expect(history.locator('tbody tr', { hasText: 'E2EBad_2026_' })).toHaveCount(1);
    await expect(history.locator('tbody tr', { hasText: bad })).toHaveCount(0);

    await openBudgets(page, 2026);
    const list = page.getByRole('table', { name: 'Product budgets' });
    await page.getByLabel('Filter', { exact: true }).fill(east);
    await expect(list.locator('tbody tr')).toHaveCount(2);
    await expect(budgetRow(page, 'Web').locator('td.num')).toHaveText('1,000.00');
    await expect(budgetRow(page, 'App').locator('td.num')).toHaveText('500.00');
    for (const product of ['Kiosk', 'Tablet', 'Watch']) {
      await expect(list.getByText(product, { exact: true })).toHaveCount(0);
    }
    await expect(treeRow(page, east).locator('td.num')).toHaveText('1,500.00');
  });
});
