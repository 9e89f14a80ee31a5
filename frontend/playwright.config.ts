import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { ADMIN, DEMO_PORT, JOURNEY_PORT, JOURNEY_WEBHOOK_SECRET, PORT } from './e2e/env';

// The specs drive the built SPA served by the real backend (`npm run build` first). Each run
// gets a fresh data folder, so a fresh database with only the first Admin in it.

// The config is loaded by the runner and by every worker; only the runner starts the server,
// so the folder is made once per run (a worker inherits it through the environment).
process.env.FINOPS_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'finops-e2e-'));
// The demo server's own folder: the demo organisation with its generated CUR and spend cards
// in every state (the spend-card spec), apart from the specs that count on an empty start.
process.env.FINOPS_E2E_DEMO_DIR ??= mkdtempSync(join(tmpdir(), 'finops-e2e-demo-'));
// The journey server's folder: empty at start; the journey spec writes its CUR there.
process.env.FINOPS_E2E_JOURNEY_DIR ??= mkdtempSync(join(tmpdir(), 'finops-e2e-journey-'));

const SERVER_ENV = {
  FINOPS_DATABASE_URL: '',
  FINOPS_FRONTEND_DIR: fileURLToPath(new URL('./dist', import.meta.url)),
  FINOPS_JWT_SECRET: 'e2e-only-jwt-secret-0123456789-abcdefghijklmnop',
  FINOPS_LOG_LEVEL: 'WARNING',
};

/** The environment without a CUR path: the demo writes its CUR under its data folder. */
function withoutCurPath(): Record<string, string> {
  const env = { ...(process.env as Record<string, string>) };
  delete env.FINOPS_CUR_PATH;
  return env;
}

export default defineConfig({
  testDir: './e2e',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: './test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['html', { open: 'never', outputFolder: './test-results/playwright-report' }]],
  timeout: 30_000,
  expect: { timeout: 7_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    browserName: 'chromium',
    viewport: { width: 1360, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `../.venv/bin/finops serve --host 127.0.0.1 --port ${PORT}`,
      url: `http://127.0.0.1:${PORT}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        ...(process.env as Record<string, string>),
        FINOPS_DATA_DIR: process.env.FINOPS_E2E_DATA_DIR,
        // No CUR at start; the spend-data spec writes a small demo one here, then refreshes.
        FINOPS_CUR_PATH: join(process.env.FINOPS_E2E_DATA_DIR, 'cur'),
        FINOPS_DATABASE_URL: '',
        FINOPS_FRONTEND_DIR: fileURLToPath(new URL('./dist', import.meta.url)),
        FINOPS_ADMIN_EMAIL: ADMIN.email,
        FINOPS_ADMIN_PASSWORD: ADMIN.password,
        FINOPS_JWT_SECRET: 'e2e-only-jwt-secret-0123456789-abcdefghijklmnop',
        FINOPS_LOG_LEVEL: 'WARNING',
        // The log-in spec counts on these limits (five failures per account, then 429).
        FINOPS_LOGIN_FAILURES_PER_ACCOUNT: '5',
        FINOPS_LOGIN_FAILURES_PER_ADDRESS: '20',
      },
    },
    {
      // Loads the demo (about 10 s: its CUR, schedules and the year's spend cards), then serves.
      command: `sh -c '../.venv/bin/finops demo load >/dev/null && exec ../.venv/bin/finops serve --host 127.0.0.1 --port ${DEMO_PORT}'`,
      url: `http://127.0.0.1:${DEMO_PORT}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        ...withoutCurPath(),
        ...SERVER_ENV,
        FINOPS_DATA_DIR: process.env.FINOPS_E2E_DEMO_DIR,
      },
    },
    {
      // The journey: an empty organisation with only the first Admin, the CUR webhook on.
      command: `../.venv/bin/finops serve --host 127.0.0.1 --port ${JOURNEY_PORT}`,
      url: `http://127.0.0.1:${JOURNEY_PORT}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        ...withoutCurPath(),
        ...SERVER_ENV,
        FINOPS_DATA_DIR: process.env.FINOPS_E2E_JOURNEY_DIR,
        FINOPS_CUR_PATH: join(process.env.FINOPS_E2E_JOURNEY_DIR, 'cur'),
        FINOPS_ADMIN_EMAIL: ADMIN.email,
        FINOPS_ADMIN_PASSWORD: ADMIN.password,
        FINOPS_WEBHOOK_SECRET: JOURNEY_WEBHOOK_SECRET,
      },
    },
  ],
});
