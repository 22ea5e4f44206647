import { describe, expect, it } from 'vitest'
import { maxAttempts, retryAfterFailure, retryDelayMs } from './job-queue.ts'

describe('job queue retry policy', () => {
  it('retries with doubling delays until 1 + maxRetries attempts, then asks for a dead letter', () => {
    const policy = { maxRetries: 3, backoffMs: 1000 }
    expect(maxAttempts(policy)).toBe(4)
    expect([1, 2, 3].map((retry) => retryDelayMs(policy, retry))).toEqual([1000, 2000, 4000])
    expect([1, 2, 3, 4].map((attempt) => retryAfterFailure(policy, attempt))).toEqual([
      1000,
      2000,
      4000,
      undefined,
    ])
  })

  it('dead-letters after the first failure when retries are off', () => {
    expect(retryAfterFailure({ maxRetries: 0, backoffMs: 1000 }, 1)).toBeUndefined()
  })
})
