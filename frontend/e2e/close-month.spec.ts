import { expect, test, type Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, openFromMenu, shot } from './helpers';

// Month close on the demo server: January is closed (closed, reopened, closed again) with its
// files; February's checklist waits for its memo. Read-only, so the other demo specs keep
// their open months.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 900 } });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

test('finance sees the closed month, downloads its files and what February still misses', async ({
  page,
}) => {
  await signIn(page, DEMO.finance);
  await openFromMenu(page, 'Close month');
  await page.getByLabel('Billing month').selectOption('2026-01');
  await expect(page.getByText('2026-01 is closed')).toBeVisible();
  const files = page.getByRole('table', { name: 'Files' });
  await expect(files.locator('tbody tr')).toHaveCount(3);
  const download = page.waitForEvent('download');
  await files.getByRole('button', { name: 'Download accounts-payable-2026-01.csv' }).click();
  expect((await download).suggestedFilename()).toBe('accounts-payable-2026-01.csv');
  await expect(page.getByText(/Reopened by admin@demo.finops/)).toBeVisible();
  await shot(page, 'close-month-january');

  await page.getByLabel('Billing month').selectOption('2026-02');
  await expect(page.getByText('the internal memo is missing')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Close the month' })).toBeDisabled();
  await expect(page.getByLabel('Vendor')).toHaveValue('Amazon Web Services, Inc.');
});
