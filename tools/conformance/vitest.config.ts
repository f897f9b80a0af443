import { defineConfig } from 'vitest/config';

// The long cases (real 30 s SMP timeouts, Repeated Attempts back-off) run side by side: allow them all at once.
export default defineConfig({
  test: {
    maxConcurrency: 16,
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
