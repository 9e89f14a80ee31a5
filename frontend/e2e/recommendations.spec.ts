import { expect, test, type Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, logOut, openFromMenu, shot } from './helpers';

// Recommendations on the demo server (its synthetic Cost Optimization Hub export, decided
// into every state). Finance approves a New one from the list; the Cloud Engineer finds it
// in their tasks and marks it implemented; its history shows both decisions.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 900 } });
test.describe.configure({ mode: 'serial' });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

test('Finance approves a New recommendation and the Cloud Engineer implements it', async ({ page }) => {
  await signIn(page, DEMO.finance);
  await expect(page.getByRole('heading', { name: 'Top optimisations' })).toBeVisible();
  await openFromMenu(page, 'Recommendations');
  await page.getByLabel('Status', { exact: true }).selectOption('new');
  const table = page.getByRole('table', { name: 'Recommendations' });
  const first = table.locator('tbody tr').first();
  await expect(first).toBeVisible();
  const link = first.getByRole('link');
  const href = await link.getAttribute('href');
  expect(href).toMatch(/^\/recommendations\/\d+$/);
  await first.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Approve (1)' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Approve: 1 recommendation done.' })).toBeVisible();
  await shot(page, 'recommendations-finance');
  await logOut(page);

  await signIn(page, DEMO.engineer);
  const task = page.locator(`li.task[data-recommendation-id="${href!.split('/').pop()}"]`);
  await expect(task).toBeVisible();
  await task.getByRole('link', { name: 'Open recommendation' }).click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await page.getByLabel(/^Comment/).fill('Done in the change window');
  await page.getByRole('button', { name: 'Mark implemented' }).click();
  await expect(page.getByText('Mark implemented: done.')).toBeVisible();
  const history = page.getByRole('table', { name: 'History' });
  await expect(history.locator('tbody tr').last()).toContainText('implement: approved → implemented');
  await expect(history).toContainText('approve: new → approved');
  await shot(page, 'recommendation-implemented');
});
