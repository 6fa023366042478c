import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**', '.next/**'],
    // tfjs tests are CPU-bound; running files in parallel on 2 cores only adds contention.
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
