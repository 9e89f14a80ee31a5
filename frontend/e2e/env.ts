// Shared by playwright.config.ts (which starts the backend with these) and the specs.
export const PORT = 8765;
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-password-123', name: 'Administrator' };
/** The second server: the demo organisation (`finops demo load`), for the spend-card spec. */
export const DEMO_PORT = 8766;
export const DEMO_PASSWORD = 'finops-demo-2026';
export const DEMO = {
  product: 'product@demo.finops',
  portfolio: 'portfolio@demo.finops',
  finance: 'fin@demo.finops',
  engineer: 'engineer@demo.finops',
};
