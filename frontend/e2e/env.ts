// Shared by playwright.config.ts (which starts the backend with these) and the specs.
export const PORT = 8765;
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-password-123', name: 'Administrator' };
