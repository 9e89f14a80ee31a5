import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import { logIn, openFromMenu, shot } from './helpers';

test.describe('reports and discounts', () => {
  test('a negotiated discount is added, refused when it overlaps, and withdrawn', async ({ page }) => {
    await logIn(page, ADMIN.email, ADMIN.password);
    await openFromMenu(page, 'Discounts', 'Negotiated discounts');
    const form = page.getByRole('form', { name: 'New discount' });
    await form.getByLabel('Percent').fill('100');
    await expect(form.getByRole('button', { name: 'Add discount' })).toBeDisabled();
    await form.getByLabel('Percent').fill('4.5');
    await form.getByLabel('First day').fill('2031-01-01');
    await form.getByRole('button', { name: 'Add discount' }).click();
    await expect(form.getByRole('status')).toContainText('A 4.5% discount is configured');
    const table = page.getByRole('table', { name: 'Negotiated discounts' });
    await expect(table.locator('tbody tr').first()).toContainText('From 2031-01-01, open-ended');

    await form.getByLabel('Percent').fill('2');
    await form.getByLabel('First day').fill('2031-06-01');
    await form.getByRole('button', { name: 'Add discount' }).click();
    await expect(form.getByRole('alert')).toContainText('The discount was refused');
    await expect(form.locator('#discount-start-errors')).toContainText('overlaps discount');
    await shot(page, 'discounts');

    const end = page.getByRole('form', { name: 'End the 4.50% discount' });
    await end.getByLabel('Last day in force').fill('2030-12-31');
    await end.getByRole('button', { name: 'End' }).click();
    await expect(table.locator('tbody tr').first()).toContainText('Withdrawn before 2031-01-01');
  });

  test('the variance report opens with its filters and says when nothing is approved', async ({ page }) => {
    await logIn(page, ADMIN.email, ADMIN.password);
    await openFromMenu(page, 'Variance report');
    await expect(page.getByLabel('Month')).toBeVisible();
    await expect(page.getByLabel('Level')).toBeVisible();
    await expect(page.getByText(/No approved budget in your scope|has not started/)).toBeVisible();
    await shot(page, 'variance-report-empty');
  });
});
