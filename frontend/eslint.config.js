// ESLint for the SPA: typescript-eslint, the rules of hooks, and the import boundaries
// between features (see README, "Layout"). The generated client (src/client/) is not linted.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// A feature is a folder under src/pages. Another feature reaches it only through its hooks.ts.
const features = readdirSync('src/pages', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const featureZones = features.map((feature) => ({
  target: `./src/pages/${feature}`,
  from: './src/pages',
  except: [
    `./${feature}`,
    ...features.filter((other) => other !== feature).map((other) => `./${other}/hooks.ts`),
  ],
  message:
    'A feature uses another feature only through its hooks.ts (move shared code to src/lib or src/components).',
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/client/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  reactHooks.configs.flat.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...featureZones,
            {
              target: ['./src/api', './src/components', './src/lib'],
              from: './src/pages',
              message: 'Shared code must not depend on a page.',
            },
          ],
        },
      ],
    },
  },
  {
    // The generated SDK is called from src/api and the features' hooks.ts only; its types are
    // shared vocabulary and may be imported anywhere.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/api/**', 'src/pages/*/hooks.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(\\.\\./)*client(/.*)?$',
              allowTypeImports: true,
              message:
                'Call the API through a hook (src/api or the feature hooks.ts); import only types here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['*.{js,ts}', 'scripts/**', 'e2e/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Plain JavaScript (this file, scripts/) is outside the TypeScript project.
  { files: ['**/*.{js,mjs}'], extends: [tseslint.configs.disableTypeChecked] },
);
