import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN } from './env';
import { csvFile, logIn, shot, uniqueEmail, userRow } from './helpers';

async function openUsers(page: Page) {
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
}

async function search(page: Page, text: string) {
  await page.getByLabel('Search', { exact: true }).fill(text);
}

test.describe('user management', () => {
  test('add a user, see it listed, change its role, deactivate it', async ({ page }) => {
    const email = uniqueEmail('ana');
    await openUsers(page);

    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name').fill('Ana Product');
    await form.getByLabel('Role').selectOption({ label: 'Product Owner' });
    await form.getByLabel('Password').fill('ana-password-123');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(form.getByRole('status')).toHaveText(`Added ${email} as Product Owner.`);

    await search(page, email);
    const row = userRow(page, email);
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('rowheader')).toHaveText('Ana Product');
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('product_owner');
    await expect(row.getByText('Active', { exact: true })).toBeVisible();
    await shot(page, 'users-added');

    await row.getByLabel(`Role of ${email}`).selectOption({ label: 'Cloud Engineer' });
    await row.getByRole('button', { name: 'Change role' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'is now' })).toHaveText(
      `${email} is now Cloud Engineer.`,
    );
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('cloud_engineer');
    await expect(row.getByRole('button', { name: 'Change role' })).toBeDisabled();

    await row.getByRole('button', { name: 'Deactivate' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'deactivated' })).toHaveText(
      `${email} is deactivated.`,
    );
    await expect(row.getByText('Inactive', { exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Reactivate' })).toBeVisible();

    // The filters agree with what changed.
    const filters = page.getByRole('search', { name: 'Filter users' });
    await filters.getByLabel('Status').selectOption({ label: 'Active' });
    await expect(page.getByText('No users match these filters.')).toBeVisible();
    await filters.getByLabel('Status').selectOption({ label: 'Inactive' });
    await filters.getByLabel('Role').selectOption({ label: 'Cloud Engineer' });
    await expect(row).toHaveCount(1);
    await shot(page, 'users-role-changed-deactivated');

    // Both changes are in the audit log.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('user.update');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const events = page.locator('tbody tr', { hasText: email });
    await expect(events).toHaveCount(2);
    // Newest first.
    await expect(events.nth(0).getByRole('cell', { name: 'is_active: true → false' })).toBeVisible();
    await expect(
      events.nth(1).getByRole('cell', { name: 'role: product_owner → cloud_engineer' }),
    ).toBeVisible();
    await shot(page, 'audit-log');
  });

  test('adding an existing e-mail shows the error next to the Email field', async ({ page }) => {
    await openUsers(page);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill(ADMIN.email.toUpperCase());
    await form.getByLabel('Name').fill('Second Admin');
    await form.getByLabel('Role').selectOption('admin');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Add user' }).click();
    // Field checks come first: the short password is reported next to its field.
    await expect(form.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('#add-user-password-errors')).toContainText('at least 10 characters');

    await form.getByLabel('Password').fill('long-enough-password');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(form.getByRole('alert')).toContainText(/a user with this e-mail already exists/i);
    await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('#add-user-email-errors')).toContainText('is already a user');
    await shot(page, 'users-field-errors');
  });

  test('a good CSV creates every user in it', async ({ page }) => {
    const bo = uniqueEmail('bo');
    const cy = uniqueEmail('cy');
    await openUsers(page);
    await page
      .getByLabel('CSV file', { exact: true })
      .setInputFiles(
        csvFile('good-users.csv', [
          'email,name,role',
          `${bo},Bo Budget,business_unit_owner`,
          `${cy},Cy Cloud,cloud_engineer`,
        ]),
      );
    await page.getByRole('button', { name: 'Upload users' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Created' })).toHaveText(
      'Created 2 users from good-users.csv.',
    );
    await search(page, bo.split('@')[0].split('+')[1]);
    await expect(userRow(page, bo)).toHaveCount(1);
    await expect(userRow(page, bo).getByLabel(`Role of ${bo}`)).toHaveValue('business_unit_owner');
    await expect(userRow(page, cy)).toHaveCount(1);
    await shot(page, 'users-csv-good');

    // The list downloads as CSV.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^users-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'id,email,name,role,role_label,active,created_at',
    );
    expect(csv).toContain(`${bo},Bo Budget,business_unit_owner,Business Unit Owner,true,`);
  });

  test('a bad CSV lists every row error and creates nobody', async ({ page }) => {
    const dup = uniqueEmail('dup');
    const ok = uniqueEmail('fine');
    const wrongRole = uniqueEmail('role');
    await openUsers(page);
    await page
      .getByLabel('CSV file', { exact: true })
      .setInputFiles(
        csvFile('bad-users.csv', [
          'email,name,role',
          `${ok},Fine Row,product_owner`,
          `${dup},Dup One,product_owner`,
          `${dup.toUpperCase()},Dup Two,cloud_engineer`,
          `${wrongRole},Role Bad,superuser`,
          'not-an-email,Bad Email,portfolio_owner',
        ]),
      );
    await page.getByRole('button', { name: 'Upload users' }).click();
    await expect(page.getByRole('alert')).toContainText('bad-users.csv was rejected');

    const errors = page.getByRole('table', { name: 'Row errors' });
    await expect(errors.locator('caption')).toHaveText('3 problems in bad-users.csv');
    const rows = errors.locator('tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0).locator('td')).toHaveText([
      '4',
      'email',
      /appears|duplicate|twice|more than once/i,
    ]);
    await expect(rows.nth(1).locator('td')).toHaveText(['5', 'role', /unknown role 'superuser'/]);
    await expect(rows.nth(2).locator('td')).toHaveText([
      '6',
      'email',
      /'not-an-email' is not a valid e-mail address/,
    ]);
    await shot(page, 'users-csv-bad');

    // All or nothing: not even the good rows were created.
    for (const email of [ok, dup, wrongRole]) {
      await search(page, email);
      await expect(page.getByText('No users match these filters.')).toBeVisible();
    }
  });
});
