import { defineConfig } from 'vitest/config';

// Unit tests only: Playwright specs in e2e/ have their own runner.
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
