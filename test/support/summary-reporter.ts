import type { Reporter, SerializedError, TestModule } from 'vitest/node'

/**
 * Prints the run's totals as the very last line: `N passed, N failed, N skipped`. A test file
 * that fails to load and unhandled errors count as failures, so a broken suite can't read green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    let passed = 0
    let failed = unhandledErrors.length
    let skipped = 0
    for (const testModule of testModules) {
      let count = 0
      for (const test of testModule.children.allTests()) {
        count++
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (count === 0 && testModule.state() === 'failed') failed++
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
