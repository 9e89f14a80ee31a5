import { defineConfig } from '@hey-api/openapi-ts';

// The one place that says how the API client is generated. `npm run check-client` reuses it
// with another output folder, so the committed client and the check never drift apart.
export default defineConfig({
  input: './openapi.json',
  output: {
    path: process.env.OPENAPI_TS_OUTPUT ?? './src/client',
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
