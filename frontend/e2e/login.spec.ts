import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import { logIn, logOut, shot, uniqueEmail } from './helpers';

test.describe('log-in', () => {
  test('a wrong password shows the error; the right one lands on the summary with the Admin menu', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);

    await logIn(page, ADMIN.email, 'not-the-password');
    await expect(page.getByRole('alert')).toHaveText('Incorrect e-mail or password');
    await expect(page).toHaveURL(/\/login$/);
    await shot(page, 'login-wrong-password');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
    const menu = page.getByRole('navigation', { name: 'Main' });
    await expect(menu.getByRole('link')).toHaveText([
      'Summary',
      'Budgets',
      'Heat map',
      'Spend cards',
      'Credits',
      'Variance report',
      'Recommendations',
      'Accounts',
      'Resources',
      'Billing periods',
      'Close month',
      'Configuration',
      'Discounts',
      'Users',
      'Audit log',
    ]);
    await expect(page.getByRole('banner').getByText('Admin', { exact: true })).toBeVisible();
    await shot(page, 'summary-admin');

    await menu.getByRole('link', { name: 'Budgets' }).click();
    await expect(page.getByRole('heading', { name: /^Budgets/, level: 1 })).toBeVisible();
  });

  test('repeated failures answer "too many failed log-ins"', async ({ page }) => {
    const stranger = uniqueEmail('nobody');
    // The server allows five failures per account in its window; the sixth try is refused.
    for (let attempt = 1; attempt <= 5; attempt++) {
      await logIn(page, stranger, `wrong-password-${attempt}`);
      await expect(page.getByRole('alert')).toHaveText('Incorrect e-mail or password');
    }
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toContainText('Too many failed log-ins');
    await shot(page, 'login-too-many-failures');
  });

  test('a page asked for while logged out opens after log-in, and an invalid token goes back to log-in', async ({
    page,
  }) => {
    await page.goto('/audit');
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await expect(page).toHaveURL(/\/audit$/);

    // A token the server no longer accepts (expired, revoked): the one global 401 rule
    // drops it and sends the browser to the log-in page.
    await page.evaluate(() => sessionStorage.setItem('finops.token', 'expired.or.forged'));
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await expect(page.getByRole('status')).toHaveText('Your session has ended. Please log in again.');
    expect(await page.evaluate(() => sessionStorage.getItem('finops.token'))).toBeNull();

    // Logging in again returns to the page the session ended on.
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();

    // An explicit log-out forgets the page: the next person starts on the summary.
    await logOut(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
    await logOut(page);
    await page.goto('/users');
    await expect(page).toHaveURL(/\/login$/);
  });
});
