// Fails when the committed API client (src/client/) is not what openapi.json generates today.
// It regenerates into a temporary folder with the same config and compares byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = join(root, 'src', 'client');

if (!existsSync(join(root, 'openapi.json'))) {
  console.error(
    'check-client: frontend/openapi.json is missing; write it with ' +
      '`.venv/bin/finops openapi --out frontend/openapi.json`.',
  );
  process.exit(2);
}

function listFiles(base, dir = base) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(base, path));
    else out.push(relative(base, path));
  }
  return out.sort();
}

const fresh = mkdtempSync(join(tmpdir(), 'finops-client-'));
try {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js'), '--silent', '--no-log-file'],
    { cwd: root, env: { ...process.env, OPENAPI_TS_OUTPUT: fresh }, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    console.error('check-client: generating the client failed:\n' + run.stdout + run.stderr);
    process.exit(2);
  }
  const want = listFiles(fresh);
  const have = listFiles(committed);
  const problems = [];
  for (const file of want) {
    if (!have.includes(file)) problems.push(`missing   src/client/${file}`);
    else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)))) {
      problems.push(`differs   src/client/${file}`);
    }
  }
  for (const file of have) {
    if (!want.includes(file)) problems.push(`unexpected src/client/${file}`);
  }
  if (problems.length > 0) {
    console.error(
      'check-client: the committed API client is stale (it does not match openapi.json):\n  ' +
        problems.join('\n  ') +
        '\nRun `npm --prefix frontend run generate-client` and commit src/client/.',
    );
    process.exit(1);
  }
  console.log(`check-client: src/client/ is up to date (${want.length} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
