import type { TestFunctions } from './test-functions.ts'

/**
 * Fixtures that tests open as they go (a queue, a second bus…), each cleaned up when its test
 * ends, passed or failed — per-test teardown without an `afterEach` from the runner. Tests of
 * one block run one after another, so the open fixtures belong to the running test.
 */
export function createPerTestFixtures<Fixture extends { cleanup(): Promise<void> }>(test: TestFunctions) {
  const opened: Fixture[] = []
  return {
    /** Keeps `fixture` for cleanup at the end of the running test and returns it. */
    track(fixture: Fixture): Fixture {
      opened.push(fixture)
      return fixture
    },
    /** Registers a test that cleans up the fixtures it opened when it ends. */
    it(title: string, body: () => Promise<void>, timeoutMs: number): void {
      test.it(
        title,
        async () => {
          try {
            await body()
          } finally {
            await Promise.all(opened.splice(0).map((fixture) => fixture.cleanup()))
          }
        },
        timeoutMs,
      )
    },
  }
}
