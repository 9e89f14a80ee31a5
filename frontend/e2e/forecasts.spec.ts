import { expect, test, type Page } from '@playwright/test';
import { Api } from './api';
import { DEMO, DEMO_PASSWORD, DEMO_PORT } from './env';
import { logIn, shot } from './helpers';

// Forecasts and anomalies on the demo server: Checkout's Product Owner sees the 12 August
// load test among the summary's anomalies, the forecast-to-overrun list, and Checkout's
// cumulative spend chart with the same figures the API gives.

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}`, viewport: { width: 1280, height: 900 } });

async function signIn(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Summary', level: 1 })).toBeVisible();
}

interface Forecasts {
  items: { budget_id: number; name: string; actual_to_date: string; overruns: unknown[] }[];
}

test('The Product Owner sees the load test, the overruns and the cumulative chart', async ({
  page,
  request,
}) => {
  const api = await Api.as(request, DEMO.product, DEMO_PASSWORD);
  const forecasts = await api.call<Forecasts>('GET', '/api/v1/dashboard/forecasts');
  const checkout = forecasts.items.find((f) => f.name === 'Checkout');
  expect(checkout).toBeDefined();

  await signIn(page, DEMO.product);
  const anomalies = page.getByTestId('anomalies-panel');
  // The Summary's first load on a worker that has not read the spend yet fires every panel's
  // request at once (forecasts, spend, tasks…); on a busy 2-core CI machine the anomalies
  // answer has come after the default 7 s, so the first panel gets the time a cold start needs.
  await expect(anomalies.getByRole('list', { name: 'Spend anomalies' })).toContainText('12 Aug 2026', {
    timeout: 25_000,
  });
  await expect(anomalies).toContainText('Checkout');
  const overruns = page.getByTestId('overrun-panel');
  await expect(overruns.getByRole('heading', { name: 'Forecast to overrun' })).toBeVisible();
  if (checkout!.overruns.length > 0) {
    await expect(overruns.getByRole('link', { name: /Checkout (passed|exceeds)/ }).first()).toBeVisible();
  }
  await shot(page, 'summary-forecasts');

  await page.goto(`/budgets/${checkout!.budget_id}`);
  const section = page.getByTestId('budget-forecast');
  await expect(section.getByRole('heading', { name: 'Cumulative spend and forecast' })).toBeVisible();
  await expect(section.getByTestId('cumulative-chart')).toBeVisible();
  const [whole, cents] = checkout!.actual_to_date.split('.');
  const shown = `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
  await expect(section.locator('.facts')).toContainText(shown);
  await expect(section.getByRole('list', { name: 'Spend anomalies' })).toContainText('12 Aug 2026');
  await shot(page, 'budget-forecast');
});
