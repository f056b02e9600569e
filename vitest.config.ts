import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Conformance, fuzz and browser tests do real work; the machines are small and shared.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits on state; its 1 s default is too short a ceiling on a loaded 2-core machine.
    expect: { poll: { timeout: 60_000, interval: 50 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
