import { defineConfig } from 'vitest/config';

// The CLI's test files start real processes and share machine-wide resources (BlueZ's btvirt restarts its
// sockets at /tmp/bt-server-* whenever a test starts it), so they run one file at a time.
export default defineConfig({
  test: {
    fileParallelism: false,
    // Generous: CI's 2 cores run every workspace's tests at once; no test here measures time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
