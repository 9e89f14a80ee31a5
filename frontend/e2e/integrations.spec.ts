import { expect, test } from '@playwright/test';
import { ADMIN } from './env';
import { logIn, shot, uniqueName } from './helpers';

test.describe('service accounts and API tokens', () => {
  test('add a service account, issue a token a script can use, revoke it', async ({ page, request }) => {
    const name = uniqueName('Nightly export');
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Service accounts, API tokens and webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();

    const form = page.getByRole('form', { name: 'Add a service account' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Role').selectOption({ label: 'Financial Admin' });
    await form.getByRole('button', { name: 'Add service account' }).click();

    const card = page.getByRole('article', { name: `Service account ${name}` });
    await expect(card).toBeVisible();
    const issue = card.getByRole('form', { name: `New token for ${name}` });
    await issue.getByLabel('Token name').fill('cron');
    await issue.getByRole('button', { name: 'Issue token' }).click();
    const token = (await card.getByTestId('new-token').textContent()) ?? '';
    expect(token).toMatch(/^fct_[A-Za-z0-9_-]{43}$/);
    await shot(page, 'integrations-token-issued');

    // a script uses it
    const me = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status()).toBe(200);
    expect(((await me.json()) as { name: string }).name).toBe(name);

    const row = card.getByRole('row').filter({ hasText: 'cron' });
    await expect(row.getByRole('cell', { name: 'active' })).toBeVisible();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect(row.getByRole('cell', { name: 'revoked' })).toBeVisible();
    const refused = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
  });
});
