import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: at most two test files (each with its own server processes) at once.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
