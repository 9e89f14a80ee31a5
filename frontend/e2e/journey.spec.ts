import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  expect,
  test,
  type APIRequestContext,
  type Browser,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { addDays, localIsoDate, previousMonth } from '../src/lib/periods';
import { Api } from './api';
import { ADMIN, JOURNEY_PORT, JOURNEY_WEBHOOK_SECRET } from './env';
import { csvFile, logIn, openFromMenu, uploadChart, userRow } from './helpers';

// The whole product as its users run it, on a server of its own that starts empty (the
// journey server of playwright.config.ts): the Admin loads the chart of accounts and onboards
// the people; the CUR arrives through the signed webhook; finance maps the accounts; the
// Product Owner adds a workload, claims a resource, schedules and submits; the Portfolio Owner
// approves; Monday's card run creates the week's card, which the Product Owner accepts and
// the Portfolio Owner approves; finance approves a recommendation and the Cloud Engineer
// implements it; finance closes last month and downloads its files. Each page is kept as a
// screenshot, and the figures shown are checked against the API's.

test.use({ baseURL: `http://127.0.0.1:${JOURNEY_PORT}`, viewport: { width: 1280, height: 800 } });

const FINOPS = fileURLToPath(new URL('../../.venv/bin/finops', import.meta.url));
const PASSWORD = 'journey-password-2026';
const PEOPLE = {
  finance: { email: 'fiona@journey.test', name: 'Fiona Finance', role: 'Financial Admin' },
  product: { email: 'paula@journey.test', name: 'Paula Product', role: 'Product Owner' },
  portfolio: { email: 'pia@journey.test', name: 'Pia Portfolio', role: 'Portfolio Owner' },
  engineer: { email: 'cole@journey.test', name: 'Cole Engineer', role: 'Cloud Engineer' },
} as const;

function dataDir(): string {
  const dir = process.env.FINOPS_E2E_JOURNEY_DIR;
  if (!dir) throw new Error('FINOPS_E2E_JOURNEY_DIR is not set (see playwright.config.ts)');
  return dir;
}

/** The `finops` command against the journey server's data folder (as cron would run it). */
function finops(args: string[]): string {
  const env: Record<string, string | undefined> = {
    ...process.env,
    FINOPS_DATA_DIR: dataDir(),
    FINOPS_CUR_PATH: join(dataDir(), 'cur'),
    FINOPS_DATABASE_URL: '',
  };
  return execFileSync(FINOPS, args, { env, encoding: 'utf8' });
}

/** A screenshot kept with the test's artefacts and under test-results/journey-*.png. */
async function keep(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`journey-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  await page.screenshot({ path: `test-results/journey-${name}.png`, fullPage: true });
}

async function personPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, email, PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
  return page;
}

/** The CUR delivery webhook, signed as the delivery pipeline signs it. */
async function deliver(request: APIRequestContext, eventId: string): Promise<void> {
  const body = JSON.stringify({ event_id: eventId, status: 'final' });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', JOURNEY_WEBHOOK_SECRET).update(`${ts}.${body}`).digest('hex');
  const response = await request.post('/api/v1/webhooks/cur', {
    headers: {
      'Content-Type': 'application/json',
      'X-Finops-Timestamp': ts,
      'X-Finops-Signature': `sha256=${signature}`,
    },
    data: body,
  });
  expect(response.status(), await response.text()).toBe(202);
}

/** The first day after `iso` that is a Monday: when the card of the week holding `iso` is due. */
function mondayAfter(iso: string): string {
  let day = addDays(iso, 1);
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 1) day = addDays(day, 1);
  return day;
}

/** The Saturday that ends the card week holding `iso`, or the month's end if that comes first. */
function cardWeekEnd(iso: string): string {
  let day = iso;
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 6 && addDays(day, 1).slice(0, 7) === iso.slice(0, 7)) {
    day = addDays(day, 1);
  }
  return day;
}

function money(text: string): number {
  return Number(text.replace(/[^0-9.-]/g, ''));
}

function cents(value: string | number): number {
  return Math.round(Number(value) * 100);
}

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

test('the whole product: chart, people, spend, allocation, schedule, cards, recommendation, close', async ({
  browser,
  page,
  request,
}, testInfo) => {
  test.setTimeout(360_000);
  const today = localIsoDate();
  const year = Number(today.slice(0, 4));
  const lastMonth = previousMonth(today.slice(0, 7));
  const unit = 'Journey Retail';
  const product = 'Checkout';
  const productPath = `${unit} › Digital › Commerce › ${product}`;

  // 1. The Admin loads the year's chart of accounts and onboards the people, each with a scope.
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
  await openFromMenu(page, 'Configuration');
  await uploadChart(page, `Journey_${year}_true_${year}-01-01_false_Budget_v1.csv`, [
    'Business Unit,Department,Portfolio,Product,Amount',
    `${unit},Digital,Commerce,${product},"120,000.00"`,
    `${unit},Digital,Commerce,Search,"60,000.00"`,
  ]);
  await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toContainText(
    `into ${year}: 2 created`,
  );
  await keep(page, testInfo, '01-configuration');

  await openFromMenu(page, 'Users');
  const addUser = page.getByRole('form', { name: 'Add a user' });
  for (const person of Object.values(PEOPLE)) {
    await addUser.getByLabel('Email').fill(person.email);
    await addUser.getByLabel('Name').fill(person.name);
    await addUser.getByLabel('Role').selectOption({ label: person.role });
    await addUser.getByLabel('Password').fill(PASSWORD);
    await addUser.getByRole('button', { name: 'Add user' }).click();
    await expect(addUser.getByRole('status')).toHaveText(`Added ${person.email} as ${person.role}.`);
  }
  const scopes: [typeof PEOPLE.product | typeof PEOPLE.portfolio, string, string][] = [
    [PEOPLE.product, 'Product', productPath],
    [PEOPLE.portfolio, 'Portfolio', `${unit} › Digital › Commerce`],
  ];
  for (const [person, level, path] of scopes) {
    await page.getByLabel('Search', { exact: true }).fill(person.email);
    const row = userRow(page, person.email);
    await row.getByRole('button', { name: 'Scope' }).click();
    const dialog = page.getByRole('dialog', { name: `Scope of ${person.name}` });
    await dialog.getByLabel('Year').selectOption(String(year));
    await dialog
      .getByRole('group', { name: `${level} nodes of ${year}` })
      .getByLabel(path)
      .check();
    await dialog.getByRole('button', { name: 'Save scope' }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByRole('cell').nth(3).getByRole('listitem')).toHaveText(`${path} (${year})`);
  }
  await keep(page, testInfo, '02-users');

  // 2. Spend arrives: the CUR of last month (final), this month (final: the generator's months
  // run to their end) and next, then the signed delivery webhook; the refresh runs behind it.
  finops([
    'demo',
    'generate-cur',
    '--out',
    join(dataDir(), 'cur'),
    '--rows',
    '6000',
    '--months',
    '3',
    '--start',
    lastMonth,
    '--accounts',
    '2',
    '--resources',
    '30',
  ]);
  await deliver(request, `journey-${Date.now()}`);
  await openFromMenu(page, 'Billing periods');
  const periods = page.getByRole('table', { name: 'Periods' });
  await expect(async () => {
    await page.reload();
    await expect(periods.locator('tbody tr')).toHaveCount(3, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(
    page.getByRole('table', { name: 'Recent CUR events' }).locator('tbody tr').first(),
  ).toContainText('done');
  await keep(page, testInfo, '03-billing-periods');

  // 3. Finance finds the CUR's accounts and maps the first to Checkout from January 1st.
  const finance = await personPage(browser, PEOPLE.finance.email);
  await openFromMenu(finance, 'Accounts');
  await finance.getByRole('button', { name: 'Check for new accounts' }).click();
  await expect(finance.getByRole('status', { name: 'Check for new accounts' })).toContainText('CUR: ok');
  const financeApi = await Api.as(request, PEOPLE.finance.email, PASSWORD);
  const accounts = await financeApi.call<{ account_id: string }[]>('GET', '/api/v1/accounts');
  expect(accounts.length, 'the generated CUR has two accounts').toBe(2);
  const accountId = accounts.map((a) => a.account_id).sort()[0];
  await finance.getByRole('table', { name: 'All accounts' }).getByRole('link', { name: accountId }).click();
  const remap = finance.getByRole('form', { name: 'Remap' });
  await remap.getByLabel('Effective from').fill(`${year}-01-01`);
  await remap.getByLabel('Budget 1').selectOption({ label: productPath });
  await remap.getByLabel('Percent 1').fill('100');
  await remap.getByRole('button', { name: 'Save the new split' }).click();
  await expect(finance.getByRole('status').filter({ hasText: 'New split' })).toHaveText(
    `New split from 1 Jan ${year}: ${product} 100.00%.`,
  );
  await keep(finance, testInfo, '04-account-split');

  // 4. The Product Owner adds a workload on that account, claims one of its resources to it,
  // spreads the year evenly and submits the schedule.
  const owner = await personPage(browser, PEOPLE.product.email);
  const adminApi = await Api.as(request);
  const checkout = await adminApi.node(year, [unit, 'Digital', 'Commerce', product]);
  const budgetId = checkout.budget_id!;
  await owner.goto(`/budgets/${budgetId}`);
  await expect(owner.getByRole('heading', { name: product, level: 1 })).toBeVisible();
  await owner.getByRole('button', { name: 'Add workload' }).click();
  const workloadForm = owner.getByRole('form', { name: 'Add a workload' });
  await workloadForm.getByLabel('Workload name').fill('Checkout API');
  await workloadForm.getByLabel('AWS account').fill(accountId);
  await workloadForm
    .getByLabel('AWS Pricing Calculator link')
    .fill('https://calculator.aws/#/estimate?id=journey0123456789');
  await workloadForm.getByLabel('Monthly estimate (USD)').fill('2500');
  await workloadForm.getByLabel('Launch month').selectOption({ label: `January ${year}` });
  await workloadForm.getByRole('button', { name: 'Add workload' }).click();
  await expect(workloadForm.getByRole('status')).toContainText('Added Checkout API: 2,500.00 USD a month');

  await openFromMenu(owner, 'Resources');
  const open = owner.getByRole('table', { name: /^Open resources/ });
  const mine = open.locator('tbody tr', { hasText: accountId }).first();
  await expect(mine).toBeVisible();
  const resourceId = (await mine.locator('th code').textContent())!;
  await owner.getByLabel(`Select ${resourceId}`).check();
  await owner.getByRole('button', { name: 'Claim to workload…' }).click();
  const claim = owner.getByRole('dialog', { name: 'Claim to workload' });
  const option = claim.getByLabel('Workload').locator('option', { hasText: 'Checkout API' });
  await claim.getByLabel('Workload').selectOption(await option.getAttribute('value'));
  await claim.getByRole('button', { name: 'Claim 1 resource' }).click();
  await expect(claim).toBeHidden();
  await expect(owner.getByRole('status').filter({ hasText: 'Claimed 1 resource' })).toContainText(
    'Claimed 1 resource to Checkout API',
  );
  await keep(owner, testInfo, '05-resource-claimed');

  await owner.goto(`/budgets/${budgetId}`);
  await owner.getByRole('button', { name: 'Spread evenly' }).click();
  await expect(owner.getByTestId('schedule-balance')).toContainText('balanced');
  await owner.getByRole('button', { name: 'Save draft' }).click();
  await expect(owner.getByRole('status').filter({ hasText: 'Draft saved' })).toHaveText('Draft saved.');
  await owner.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(owner.getByRole('status').filter({ hasText: 'Submitted' })).toHaveText(
    'Submitted for approval.',
  );
  await keep(owner, testInfo, '06-schedule-submitted');

  // 5. The Portfolio Owner decides it from the Summary's task, the schedule in view.
  const portfolio = await personPage(browser, PEOPLE.portfolio.email);
  const task = portfolio
    .getByRole('list', { name: 'Tasks' })
    .getByRole('listitem')
    .filter({ hasText: product });
  await expect(task).toContainText(`Approve the schedule of ${productPath}`);
  await task.getByRole('button', { name: 'Review and decide' }).click();
  const decision = portfolio
    .getByRole('dialog', { name: `Schedule of ${productPath}` })
    .getByRole('complementary', { name: 'Decision' });
  await decision.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(portfolio.getByRole('status').filter({ hasText: 'approved' })).toHaveText(
    `${productPath}: approved.`,
  );
  await keep(portfolio, testInfo, '07-schedule-approved');

  // 6. Monday's card run (as cron runs it): the card of this week is due the Monday after it.
  const asOf = mondayAfter(cardWeekEnd(today));
  expect(finops(['cards', 'generate', '--as-of', asOf])).toMatch(/[1-9]\d* created/);
  await owner.goto('/');
  const cardTask = owner.locator('li.task[data-card-id]').first();
  await expect(cardTask).toBeVisible();
  const cardId = await cardTask.getAttribute('data-card-id');
  await cardTask.getByRole('link', { name: 'Open spend card' }).click();
  await expect(owner).toHaveURL(new RegExp(`/spend-cards/${cardId}$`));
  await owner.getByRole('button', { name: 'Accept' }).click();
  await expect(owner.getByRole('status')).toContainText('Card accepted');
  await keep(owner, testInfo, '08-card-accepted');
  await portfolio.goto('/');
  const decide = portfolio.locator(`li.task[data-card-id="${cardId}"]`);
  await decide.getByRole('link', { name: 'Open spend card' }).click();
  await portfolio.getByRole('button', { name: 'Approve' }).click();
  await expect(portfolio.getByRole('status')).toContainText('Card approved');
  await expect(portfolio.getByText('This card is closed.')).toBeVisible();
  await keep(portfolio, testInfo, '09-card-approved');

  // 7. Finance imports the Cost Optimization Hub export and approves its recommendation; the
  // Cloud Engineer finds it in their tasks and marks it implemented.
  await openFromMenu(finance, 'Recommendations');
  const header = [
    'account_id',
    'action_type',
    'currency_code',
    'estimated_monthly_savings_after_discount',
    'recommendation_id',
    'recommended_resource_summary',
    'recommended_resource_type',
    'resource_arn',
    'current_resource_type',
    'region',
  ];
  await finance
    .getByLabel('Export file')
    .setInputFiles(
      csvFile('coh-export.csv', [
        header.join(','),
        `${accountId},Rightsize,USD,412.50,journey-rec-1,m7g.large,Ec2Instance,${resourceId},Ec2Instance,us-east-1`,
      ]),
    );
  await finance.getByRole('button', { name: 'Import' }).click();
  await expect(finance.getByRole('status').filter({ hasText: '1 new' })).toBeVisible();
  const recommendations = finance.getByRole('table', { name: 'Recommendations' });
  const recommendation = recommendations.locator('tbody tr').first();
  const href = await recommendation.getByRole('link').first().getAttribute('href');
  await recommendation.getByRole('checkbox').check();
  await finance.getByRole('button', { name: 'Approve (1)' }).click();
  await expect(
    finance.getByRole('status').filter({ hasText: 'Approve: 1 recommendation done.' }),
  ).toBeVisible();
  await keep(finance, testInfo, '10-recommendation-approved');
  const engineer = await personPage(browser, PEOPLE.engineer.email);
  const engineerTask = engineer.locator(`li.task[data-recommendation-id="${href!.split('/').pop()}"]`);
  await engineerTask.getByRole('link', { name: 'Open recommendation' }).click();
  await engineer.getByLabel(/^Comment/).fill('Resized in the change window');
  await engineer.getByRole('button', { name: 'Mark implemented' }).click();
  await expect(engineer.getByText('Mark implemented: done.')).toBeVisible();
  await keep(engineer, testInfo, '11-recommendation-implemented');

  // 8. The Summary shows the latest month's spend by budget; its figures are the API's.
  await openFromMenu(finance, 'Summary');
  const billed = await financeApi.call<{ period: string; total_unblended_cost: string }[]>(
    'GET',
    '/api/v1/billing-periods',
  );
  const latest = billed
    .map((p) => p.period)
    .sort()
    .at(-1)!;
  const byBudget = await financeApi.call<{
    rows: { budget_id: number | null; amount: string }[];
    total: string;
  }>('GET', `/api/v1/spend?period=${latest}&group_by=budget`);
  const spend = finance.getByRole('table', { name: 'Spend by budget' });
  await expect(spend.locator('tbody tr')).toHaveCount(Math.min(byBudget.rows.length, 10));
  expect(cents(money((await spend.locator('tfoot td.num').textContent())!))).toBe(cents(byBudget.total));
  const shownFirst = await spend.locator('tbody tr').first().locator('td.num').textContent();
  const largest = Math.max(...byBudget.rows.map((r) => cents(r.amount)));
  expect(cents(money(shownFirst!))).toBe(largest);
  await keep(finance, testInfo, '12-summary');

  // 9. Finance closes last month: the checklist (the invoice id comes from the CUR), close,
  // and the files; the accounts-payable lines add up to the month's CUR total to the cent.
  await openFromMenu(finance, 'Close month');
  await finance.getByLabel('Billing month').selectOption(lastMonth);
  await finance.getByLabel('Vendor').fill('Amazon Web Services, Inc.');
  await finance.getByLabel('Purchase order').fill('PO-JOURNEY-1');
  await expect(finance.getByLabel('Invoice numbers')).not.toHaveValue('');
  await finance.getByLabel('Internal memo').fill(`AWS ${lastMonth}, the journey`);
  await finance.getByLabel('Default business unit').fill(unit);
  await finance.getByRole('button', { name: 'Save checklist' }).click();
  await expect(finance.getByText('Checklist saved.')).toBeVisible();
  await expect(finance.getByRole('status', { name: 'Readiness' })).toContainText('Checklist: complete');
  await finance.getByRole('button', { name: 'Close the month' }).click();
  await finance.getByRole('button', { name: `Yes, close ${lastMonth}` }).click();
  await expect(finance.getByText(`${lastMonth} is closed`)).toBeVisible();
  const files = finance.getByRole('table', { name: 'Files' });
  await expect(files.locator('tbody tr').first()).toBeVisible();
  await keep(finance, testInfo, '13-month-closed');
  const downloading = finance.waitForEvent('download');
  await files.getByRole('button', { name: `Download accounts-payable-${lastMonth}.csv` }).click();
  const payable = readFileSync(await (await downloading).path(), 'utf8').replace(/^\uFEFF/, '');
  const [head, ...lines] = parseCsv(payable);
  const amountAt = head.indexOf('amount');
  expect(amountAt, head.join(',')).toBeGreaterThanOrEqual(0);
  expect(lines.length).toBeGreaterThan(0);
  const booked = lines.reduce((sum, line) => sum + cents(line[amountAt]), 0);
  const month = billed.find((p) => p.period === lastMonth);
  expect(month, `GET /billing-periods lists ${lastMonth}`).toBeDefined();
  expect(booked).toBe(cents(month!.total_unblended_cost));
});
