/**
 * The test-runner functions a conformance suite registers its tests with, so the suites run
 * under any runner and `agentgw/testing` loads none. vitest's and jest's exports fit as they are;
 * for `node:test` pass `{ describe, it, beforeAll: before, afterAll: after }`. Assertions inside
 * the suites use `node:assert`, which every runner reports as a failure.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineSecretStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openMyStore)
 * ```
 */
export interface TestFunctions {
  describe(name: string, body: () => void): unknown
  /** `timeoutMs` is a hint: runners without a per-test timeout argument may ignore it. */
  it(name: string, body: () => Promise<void>, timeoutMs?: number): unknown
  beforeAll(body: () => Promise<void>, timeoutMs?: number): unknown
  afterAll(body: () => Promise<void>, timeoutMs?: number): unknown
}

/** Fails at once, naming what is missing, rather than with "it is not a function" deep inside a suite. */
export function assertTestFunctions(test: TestFunctions): void {
  const missing = (['describe', 'it', 'beforeAll', 'afterAll'] as const).filter(
    (name) => typeof test?.[name] !== 'function',
  )
  if (missing.length > 0) {
    throw new TypeError(
      `a conformance suite needs the test functions { describe, it, beforeAll, afterAll }; missing: ${missing.join(', ')}`,
    )
  }
}
