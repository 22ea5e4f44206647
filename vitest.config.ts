import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['agentgw-source'] },
  // `agentgw/*` self-imports (the examples) resolve to src/ like in tsc and `node --conditions=agentgw-source`;
  // the rest are Vite's default server conditions, which setting this list replaces — except `module`:
  // Node never applies it, and packages such as @opentelemetry/api point it at ESM builds whose
  // extensionless imports only a bundler can load.
  ssr: { resolve: { conditions: ['agentgw-source', 'node', 'development|production'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Generous: tests that spawn gateway or CLI processes must also pass on a busy 2-core machine.
    // No test asserts on time; speed is measured in bench/.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { AGW_TELEMETRY__LOG_LEVEL: 'silent' },
  },
})
