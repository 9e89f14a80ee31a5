import { rmSync } from 'node:fs';

// The run's database folder (made in playwright.config.ts) goes with the run; failures keep
// their traces and screenshots under test-results/.
export default function globalTeardown(): void {
  for (const dir of [
    process.env.FINOPS_E2E_DATA_DIR,
    process.env.FINOPS_E2E_DEMO_DIR,
    process.env.FINOPS_E2E_JOURNEY_DIR,
  ]) {
    if (dir && dir.includes('finops-e2e-')) rmSync(dir, { recursive: true, force: true });
  }
}
