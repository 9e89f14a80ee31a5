import { expect, test, type Browser, type Page } from '@playwright/test';
import { Api } from './api';
import { logIn, shot, uniqueEmail, uniqueName } from './helpers';

// SPEC 4 end to end, as two people in two browsers: the Product Owner schedules the budget,
// the Portfolio Owner above the product decides. Year 2029 is this spec's own.

const YEAR = 2029;

async function userPage(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
  return page;
}

function editor(page: Page) {
  return {
    badge: page.locator('#schedule-title .badge'),
    amount: (month: string) => page.getByLabel(`Amount for ${month} ${YEAR}`),
    balance: page.getByTestId('schedule-balance'),
    done: page.getByRole('status').filter({ hasText: /Draft saved|Submitted|approved|rejected|Reschedule/ }),
  };
}

test('a schedule goes through reject, approve, reschedule and approve again', async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const unit = uniqueName('Sched');
  const product = 'Checkout';
  const po = { email: uniqueEmail('po'), name: 'Paula Product', password: 'po-password-1234' };
  const pf = { email: uniqueEmail('pf'), name: 'Fred Portfolio', password: 'pf-password-1234' };

  // Set-up as the Admin: a year with the product, its Product Owner and the Portfolio Owner above.
  const admin = await Api.as(request);
  await admin.uploadChart(`Sched_${YEAR}_true_${YEAR}-01-01_false_Budget_v1.csv`, [
    'Business Unit,Department,Portfolio,Product,Amount',
    `${unit},Digital,Commerce,${product},"12,000.00"`,
    `${unit},Digital,Commerce,Search,"6,000.00"`,
  ]);
  const portfolio = await admin.node(YEAR, [unit, 'Digital', 'Commerce']);
  const leaf = portfolio.children.find((n) => n.name === product)!;
  const budgetId = leaf.budget_id!;
  await admin.setScope((await admin.createUser({ ...po, role: 'product_owner' })).id, [leaf.id]);
  await admin.setScope((await admin.createUser({ ...pf, role: 'portfolio_owner' })).id, [portfolio.id]);
  const accountId = `8${Date.now().toString().slice(-11)}`;
  await admin.createAccount({ account_id: accountId, name: `${unit} checkout`, account_type: 'Production' });
  // An owner runs workloads only on accounts whose spend already reaches their scope.
  await admin.splitAccount(accountId, budgetId, `${YEAR}-01-01`);

  const owner = await userPage(browser, po.email, po.password);
  const decider = await userPage(browser, pf.email, pf.password);
  const mine = editor(owner);
  const theirs = editor(decider);

  // 1. The Product Owner spreads the annual amount evenly, saves a draft and submits it.
  await owner.goto(`/budgets/${budgetId}`);
  await expect(owner.getByRole('heading', { name: product, level: 1 })).toBeVisible();
  await expect(mine.badge).toHaveText('Not scheduled');

  // 0. A workload from March: its estimate shows beside the months it runs in.
  await owner.getByRole('button', { name: 'Add workload' }).click();
  const workload = owner.getByRole('form', { name: 'Add a workload' });
  await workload.getByLabel('Workload name').fill('Checkout API');
  await workload.getByLabel('AWS account').fill(accountId);
  await workload.getByLabel('AWS Pricing Calculator link').fill('https://example.com/estimate');
  await workload.getByLabel('Monthly estimate (USD)').fill('500');
  await workload.getByLabel('Launch month').selectOption({ label: `March ${YEAR}` });
  await workload.getByRole('button', { name: 'Add workload' }).click();
  await expect(workload.getByLabel('AWS Pricing Calculator link')).toHaveAttribute('aria-invalid', 'true');
  await expect(workload.locator('.field-errors')).toContainText('AWS Pricing Calculator link');
  await workload
    .getByLabel('AWS Pricing Calculator link')
    .fill('https://calculator.aws/#/estimate?id=abc123');
  await workload.getByRole('button', { name: 'Add workload' }).click();
  await expect(workload.getByRole('status')).toHaveText(
    `Added Checkout API: 500.00 USD a month from March ${YEAR} to December ${YEAR}.`,
  );
  await expect(owner.getByRole('table', { name: 'Workloads' }).locator('tbody tr')).toContainText([
    'Checkout API',
  ]);
  await expect(owner.locator('tr[data-month="2029-02"] td.num').nth(2)).toHaveText('0.00');
  await expect(owner.locator('tr[data-month="2029-03"] td.num').nth(2)).toHaveText('500.00');
  await shot(owner, 'schedule-0-workload');
  await expect(mine.balance).toContainText('12,000.00 short');
  await owner.getByRole('button', { name: 'Spread evenly' }).click();
  await expect(mine.amount('January')).toHaveValue('1000.00');
  await expect(mine.amount('December')).toHaveValue('1000.00');
  await expect(mine.balance).toHaveText('Annual amount 12,000.00 USD · scheduled 12,000.00 · balanced');
  // The running total climbs month by month.
  await expect(owner.locator('tr[data-month="2029-06"] td.num').nth(1)).toHaveText('6,000.00');
  await owner.getByRole('button', { name: 'Save draft' }).click();
  await expect(mine.done).toHaveText('Draft saved.');
  await expect(mine.badge).toHaveText('Draft');
  await shot(owner, 'schedule-1-draft-saved');
  await owner.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(mine.done).toHaveText('Submitted for approval.');
  await expect(mine.badge).toHaveText('Pending');
  await expect(mine.amount('January')).toHaveCount(0); // read-only while pending
  await shot(owner, 'schedule-2-submitted');

  // 2. The Portfolio Owner finds the task on the summary and rejects with a reason.
  await decider.reload();
  const task = decider.getByRole('list', { name: 'Tasks' }).getByRole('listitem').filter({ hasText: unit });
  await expect(task).toContainText(`Approve the schedule of ${unit} › Digital › Commerce › ${product}`);
  await expect(decider.getByRole('list', { name: 'Unread notifications' })).toContainText(
    `Paula Product submitted the ${product} schedule, version 2 (12,000.00), for approval`,
  );
  await task.getByRole('link', { name: 'Open budget' }).click();
  await expect(decider.getByRole('heading', { name: product, level: 1 })).toBeVisible();
  await expect(theirs.badge).toHaveText('Pending');
  await decider.getByRole('button', { name: 'Reject' }).click();
  await decider.getByLabel('Reason for rejecting').fill('January is too low for the launch');
  await decider.getByRole('button', { name: 'Confirm reject' }).click();
  await expect(theirs.done).toHaveText('Schedule rejected; the owner sees your reason.');
  await expect(theirs.badge).toHaveText('Rejected');
  await shot(decider, 'schedule-3-rejected');

  // 3. The Product Owner sees the reason, fixes January and February, and submits again.
  await owner.goto('/');
  await expect(owner.getByRole('list', { name: 'Unread notifications' })).toContainText(
    `Fred Portfolio rejected the ${product} schedule, version 3: January is too low for the launch`,
  );
  await expect(owner.getByRole('list', { name: 'Tasks' })).toContainText(
    `Fix and resubmit the schedule of ${unit}`,
  );
  await owner.goto(`/budgets/${budgetId}`);
  await expect(mine.badge).toHaveText('Rejected');
  await expect(owner.getByRole('note', { name: 'Rejection reason' })).toHaveText(
    'Rejected: January is too low for the launch',
  );
  await mine.amount('January').fill('1,500');
  await expect(mine.balance).toContainText('500.00 over');
  await expect(owner.getByRole('button', { name: 'Submit for approval' })).toBeDisabled();
  await mine.amount('February').fill('500');
  await expect(mine.balance).toContainText('balanced');
  await shot(owner, 'schedule-4-fixed');
  await owner.getByRole('button', { name: 'Submit for approval' }).click(); // saves, then submits
  await expect(mine.done).toHaveText('Submitted for approval.');
  await expect(mine.badge).toHaveText('Pending');
  await expect(owner.locator('tr[data-month="2029-01"] td.num').first()).toHaveText('1,500.00');

  // 4. The Portfolio Owner approves from the summary, with the schedule shown in a dialog.
  await decider.goto('/');
  const again = decider.getByRole('list', { name: 'Tasks' }).getByRole('listitem').filter({ hasText: unit });
  await again.getByRole('button', { name: 'Review and decide' }).click();
  const dialog = decider.getByRole('dialog', {
    name: `Schedule of ${unit} › Digital › Commerce › ${product}`,
  });
  await expect(dialog.locator('tr[data-month="2029-01"]')).toContainText('1,500.00');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(decider.getByRole('status').filter({ hasText: 'approved' })).toHaveText(
    `${unit} › Digital › Commerce › ${product}: approved.`,
  );
  await expect(again).toHaveCount(0);
  await shot(decider, 'schedule-5-approved-from-summary');

  // 5. The Product Owner asks to reschedule the approved schedule.
  await owner.reload();
  await expect(mine.badge).toHaveText('Approved');
  await owner.getByRole('button', { name: 'Request reschedule' }).click();
  await owner.getByLabel('Reason for the reschedule').fill('Launch moved to March');
  await owner.getByRole('button', { name: 'Send request' }).click();
  await expect(mine.done).toHaveText('Reschedule requested.');
  await expect(mine.badge).toHaveText('Reschedule requested');
  await shot(owner, 'schedule-6-reschedule-requested');

  // 6. The Portfolio Owner grants it (the reason is shown with the request).
  await decider.goto(`/budgets/${budgetId}`);
  await expect(decider.getByRole('note', { name: 'Reschedule reason' })).toHaveText(
    'Reschedule requested: Launch moved to March',
  );
  await decider.getByRole('button', { name: 'Grant reschedule' }).click();
  await expect(theirs.done).toHaveText('Reschedule granted: the open months can be edited again.');
  await expect(theirs.badge).toHaveText('Draft');
  await shot(decider, 'schedule-7-reschedule-granted');

  // 7. The Product Owner moves money from January to March and submits.
  await owner.reload();
  await expect(mine.badge).toHaveText('Draft');
  await mine.amount('January').fill('1000');
  await mine.amount('March').fill('1500');
  await expect(mine.balance).toContainText('balanced');
  await owner.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(mine.badge).toHaveText('Pending');
  await shot(owner, 'schedule-8-resubmitted');

  // 8. The Portfolio Owner approves on the budget page; the budgets list shows it approved.
  await decider.reload();
  await decider.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(theirs.done).toHaveText('Schedule approved.');
  await expect(theirs.badge).toHaveText('Approved');
  await expect(decider.locator('tr[data-month="2029-03"] td.num').first()).toHaveText('1,500.00');
  await decider.goto(`/budgets?year=${YEAR}`);
  const row = decider
    .getByRole('table', { name: 'Product budgets' })
    .locator('tbody tr')
    .filter({ has: decider.getByRole('rowheader', { name: product, exact: true }) });
  await expect(row.locator('.badge[data-schedule-status]')).toHaveText('Approved');
  await shot(decider, 'schedule-9-approved-in-list');

  // The Product Owner's other budget is not in their scope; the Portfolio Owner's list filters
  // to what needs them: nothing now.
  await decider.getByLabel('Budgets requiring action').check();
  await expect(decider.getByRole('table', { name: 'Product budgets' }).locator('tbody tr')).toHaveText([
    'No budgets match this filter.',
  ]);
});
