import { defineConfig } from 'vitest/config';

// The blocks start real processes (tsble sim, serve, btvirt) on fixed addresses and sockets: one file at a time,
// with time to spare on CI's 2 shared cores (nothing here measures time).
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
