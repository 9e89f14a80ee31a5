import { expect, type Page } from '@playwright/test';

// Every run starts on a fresh database, but unique addresses keep a spec independent of
// the others and of reruns against the same server.
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

export function uniqueEmail(who: string): string {
  return `${who}+${RUN}@e2e.test`;
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

/** The users-table row of one user. */
export function userRow(page: Page, email: string) {
  return page.locator('tbody tr', { hasText: email });
}

export function csvFile(name: string, lines: string[]) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8') };
}

/** A name unique to this run (hierarchy node names, products). */
export function uniqueName(name: string): string {
  return `${name} ${RUN}`;
}

/** Follow a main-menu link and wait for the page's heading. */
export async function openFromMenu(page: Page, link: string, heading: string | RegExp = link): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}

/** Upload a chart-of-accounts file on the Configuration page (already open). */
export async function uploadChart(page: Page, name: string, lines: string[]): Promise<void> {
  await page.getByLabel('Chart-of-accounts file').setInputFiles(csvFile(name, lines));
  await page.getByRole('button', { name: 'Upload chart of accounts' }).click();
}

/** The hierarchy-tree row of one node, by its path from the top ("North / Sales"). */
export function treeRow(page: Page, path: string) {
  return page.locator(`table.tree-table tbody tr[data-path="${path.replace(/"/g, '\\"')}"]`);
}

/** The product-budgets row of one product (its name is the row header). */
export function budgetRow(page: Page, product: string) {
  return page
    .getByRole('table', { name: 'Product budgets' })
    .locator('tbody tr')
    .filter({ has: page.getByRole('rowheader', { name: product, exact: true }) });
}
