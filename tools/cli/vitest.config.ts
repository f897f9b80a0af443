import { defineConfig } from 'vitest/config';

// The CLI's test files start real processes and share machine-wide resources (BlueZ's btvirt restarts its
// sockets at /tmp/bt-server-* whenever a test starts it), so they run one file at a time.
export default defineConfig({
  test: {
    fileParallelism: false,
  },
});
