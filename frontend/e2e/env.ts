// Shared by playwright.config.ts (which starts the backend with these) and the specs.
// The ports can be moved (FINOPS_E2E_PORT, _DEMO_PORT, _JOURNEY_PORT) when others are taken.
export const PORT = Number(process.env.FINOPS_E2E_PORT ?? 8765);
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-password-123', name: 'Administrator' };
/** The second server: the demo organisation (`finops demo load`), for the spend-card spec. */
export const DEMO_PORT = Number(process.env.FINOPS_E2E_DEMO_PORT ?? 8766);
export const DEMO_PASSWORD = 'finops-demo-2026';
export const DEMO = {
  product: 'product@demo.finops',
  portfolio: 'portfolio@demo.finops',
  finance: 'fin@demo.finops',
  engineer: 'engineer@demo.finops',
};
/** The third server: empty at start, for the journey spec (the whole product in one story). */
export const JOURNEY_PORT = Number(process.env.FINOPS_E2E_JOURNEY_PORT ?? 8767);
/** The journey server's CUR webhook key (FINOPS_WEBHOOK_SECRET: at least 32 bytes). */
export const JOURNEY_WEBHOOK_SECRET = 'e2e-only-webhook-secret-0123456789-abcdef';
