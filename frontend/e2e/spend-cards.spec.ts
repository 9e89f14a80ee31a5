import { expect, test, type Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, logOut, openFromMenu, shot } from './helpers';

// Spend cards on the demo server (its own database: the demo organisation, its CUR and the
// year's cards, the newest two actionable ones Open). The Product Owner answers, the
// Portfolio Owner decides: accept → approve on one card, dispute → resolve on another.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 800 } });
test.describe.configure({ mode: 'serial' });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

function statusOf(page: Page) {
  return page.locator('.card-heading [data-card-status]');
}

function cardIdOf(page: Page): number {
  const match = /\/spend-cards\/(\d+)$/.exec(new URL(page.url()).pathname);
  expect(match).not.toBeNull();
  return Number(match![1]);
}

/** The Summary's task for one card, and its link to the card. */
async function openTask(page: Page, cardId: number) {
  const task = page.locator(`li.task[data-card-id="${cardId}"]`);
  await expect(task).toBeVisible();
  await task.getByRole('link', { name: 'Open spend card' }).click();
  await expect(page).toHaveURL(new RegExp(`/spend-cards/${cardId}$`));
  await expect(page.getByRole('heading', { name: 'Decision', exact: true })).toBeVisible();
}

test('the Product Owner accepts an Open card and the Portfolio Owner approves it', async ({ page }) => {
  await signIn(page, DEMO.product);
  await openFromMenu(page, 'Spend cards');
  await page.getByLabel('Status', { exact: true }).selectOption('open');
  const rows = page.getByRole('table', { name: 'Spend cards' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first().locator('[data-card-status]')).toHaveText('Open');
  await expect(rows.first().locator('[data-colour]')).not.toBeEmpty();
  await shot(page, 'spend-cards-product-owner-open');
  // every column fits at 1280 × 800 (no sideways scrolling to see who must act)
  const wrap = page.locator('.table-wrap', { has: page.getByRole('table', { name: 'Spend cards' }) });
  expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Why: what moved the spend' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Against the daily budget' })).toBeVisible();
  await expect(statusOf(page)).toHaveText('Open');
  const cardId = cardIdOf(page);
  await shot(page, 'spend-card-open-detail');
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('status')).toContainText('Card accepted');
  await expect(statusOf(page)).toHaveText('Accepted');
  await expect(page.getByText('Waiting on Portfolio Owner: Pia Portfolio')).toBeVisible();
  await logOut(page);

  await signIn(page, DEMO.portfolio);
  await openTask(page, cardId);
  await expect(statusOf(page)).toHaveText('Accepted');
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('status')).toContainText('Card approved');
  await expect(statusOf(page)).toHaveText('Approved');
  await expect(page.getByText('This card is closed.')).toBeVisible();
  await shot(page, 'spend-card-approved');
});

test('the Product Owner disputes a card with a comment and the Portfolio Owner resolves it', async ({
  page,
}) => {
  await signIn(page, DEMO.product);
  // the remaining Open card is a task on the Summary, linked to the card
  const task = page.locator('li.task[data-card-id]').first();
  await expect(task).toBeVisible();
  const cardId = Number(await task.getAttribute('data-card-id'));
  await openTask(page, cardId);
  await expect(statusOf(page)).toHaveText('Open');

  await page.getByRole('button', { name: 'Dispute' }).click();
  await expect(page.getByText('A comment is required to dispute: say why.')).toBeVisible();
  await expect(statusOf(page)).toHaveText('Open');
  await page.getByLabel('Comment').fill('The load test belongs to Search');
  await page.getByRole('button', { name: 'Dispute' }).click();
  await expect(page.getByRole('status')).toContainText('Card disputed');
  await expect(statusOf(page)).toHaveText('Disputed');
  await expect(page.getByRole('heading', { name: 'Decisions', exact: true })).toBeVisible();
  await expect(page.getByText('The load test belongs to Search')).toBeVisible();
  await logOut(page);

  await signIn(page, DEMO.portfolio);
  await openFromMenu(page, 'Spend cards');
  await page.getByLabel('Group by', { exact: true }).selectOption('status');
  await expect(page.getByRole('heading', { name: /^Disputed/, level: 2 })).toBeVisible();
  await shot(page, 'spend-cards-monitor-by-status');
  await page.getByLabel('Status', { exact: true }).selectOption('disputed');
  const row = page.locator(`tr[data-card-id="${cardId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Portfolio Owner: Pia Portfolio');
  await row.getByRole('link').click();
  await expect(statusOf(page)).toHaveText('Disputed');
  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByText('A comment is required to resolve: say why.')).toBeVisible();
  await page.getByLabel('Comment').fill('Moved the load test to Search; next card corrects it');
  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByRole('status')).toContainText('Card resolved');
  await expect(statusOf(page)).toHaveText('Resolved');
  await shot(page, 'spend-card-resolved');
});
