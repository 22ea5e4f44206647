import { afterAll, beforeAll, describe, it } from 'vitest'
import type { TestFunctions } from '../../src/testing/test-functions.ts'

/** vitest's functions for the conformance suites of `agentgw/testing`, which take them as an argument. */
export const vitestFunctions: TestFunctions = { describe, it, beforeAll, afterAll }
