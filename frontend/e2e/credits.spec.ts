import { expect, test, type Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, logOut, openFromMenu, shot } from './helpers';

// Credits on the demo server: the demo has a MAP credit used month by month, a PoC credit
// that expired mid-March, an Activate credit expiring unused, a void one and an unused one.
// Finance records a credit and reads a ledger; the Product Owner sees only Checkout's.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 800 } });
test.describe.configure({ mode: 'serial' });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

test('finance reads balances, a ledger and the expiry forecast, and records a credit', async ({ page }) => {
  await signIn(page, DEMO.finance);
  await openFromMenu(page, 'Credits');
  const balances = page.getByRole('table', { name: 'Balances' });
  await expect(balances.locator('tbody tr')).toHaveCount(5);
  await balances.getByRole('button', { name: 'MAP-2026-014' }).click();
  const ledger = page.getByRole('table', { name: 'Ledger' });
  await expect(ledger.locator('tbody tr').first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Expiry forecast' })).toContainText('ACT-5502');
  await expect(page.getByText(/will expire\s+with/)).toBeVisible();
  await shot(page, 'credits-finance');

  await page
    .getByLabel('Budget')
    .selectOption({ label: 'Retail › Digital Commerce › Web Storefront › Search' });
  await page.getByLabel('Program').selectOption('PoC');
  await page.getByLabel('Amount (USD)').fill('1,234.5');
  await page.getByLabel('Starts on').fill('2026-12-01');
  await page.getByLabel('Expires on (last day of use)').fill('2026-11-30');
  await page.getByRole('button', { name: 'Add credit' }).click();
  await expect(page.getByText('The credit cannot expire before it starts.')).toBeVisible();
  await page.getByLabel('Expires on (last day of use)').fill('2027-05-31');
  await page.getByLabel('Reference').fill('E2E-POC-1');
  await page.getByRole('button', { name: 'Add credit' }).click();
  await expect(page.getByRole('status')).toContainText('Credit E2E-POC-1 recorded on Search');
  await expect(balances.getByRole('button', { name: 'E2E-POC-1' })).toBeVisible();
  await logOut(page);
});

test('the Product Owner sees only the credits of Checkout and cannot record one', async ({ page }) => {
  await signIn(page, DEMO.product);
  await openFromMenu(page, 'Credits');
  const rows = page.getByRole('table', { name: 'Balances' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allInnerTexts()) expect(text).toContain('Checkout');
  await expect(page.getByRole('heading', { name: 'Add a credit' })).toHaveCount(0);
  await shot(page, 'credits-product-owner');
  await logOut(page);
});
