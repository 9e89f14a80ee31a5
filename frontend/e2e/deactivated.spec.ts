import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import { logIn, logOut, shot, uniqueEmail, userRow } from './helpers';

test('a deactivated user cannot log in', async ({ page }) => {
  const email = uniqueEmail('leaver');
  const password = 'leaver-password-123';

  // The Admin onboards a user with a password...
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Users' }).first().click();
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill('Lee Leaver');
  await form.getByLabel('Role').selectOption('department_owner');
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.getByRole('status')).toContainText(`Added ${email}`);
  await logOut(page);

  // ...who can log in, and sees only the pages of their role...
  await logIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText([
    'Summary',
    'Budgets',
    'Heat map',
    'Spend cards',
    'Credits',
    'Variance report',
    'Recommendations',
  ]);
  await expect(page.getByRole('banner')).toContainText('Department Owner');
  await shot(page, 'summary-department-owner');
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: 'Not available' })).toBeVisible();
  await logOut(page);

  // ...until the Admin deactivates them.
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Users' }).first().click();
  await page.getByLabel('Search', { exact: true }).fill(email);
  await userRow(page, email).getByRole('button', { name: 'Deactivate' }).click();
  await expect(userRow(page, email).getByText('Inactive', { exact: true })).toBeVisible();
  await logOut(page);

  await logIn(page, email, password);
  await expect(page.getByRole('alert')).toHaveText('Incorrect e-mail or password');
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, 'login-deactivated-user');
});
