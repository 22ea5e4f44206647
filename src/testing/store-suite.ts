import { assertTestFunctions, type TestFunctions } from './test-functions.ts'

/**
 * A store under test. The suite opens one per `describe` block, tells its tests' records apart
 * by unique ids, and calls `cleanup` at the end.
 */
export interface StoreFixture<Store> {
  store: Store
  /**
   * Opens another, independent handle on the same data — its own connections, as another
   * gateway process would have. Suites race the two handles to check what is promised across
   * instances. A backend without other processes (in-memory) leaves it out; those tests then
   * race on the one handle.
   */
  connectAnother?: (() => Promise<Store>) | undefined
  /** Closes every handle this fixture opened and removes what the tests stored. */
  cleanup(): Promise<void>
}

/** Options every store conformance suite takes. */
export interface StoreSuiteOptions {
  /** Per test, in ms (a hint for runners that take one). @default 20000 */
  timeoutMs?: number
}

/** What a suite's tests reach the store through. */
export interface FixtureAccess<Fixture extends StoreFixture<unknown>> {
  /** The fixture opened for the block; throws when read before it is open. */
  opened(): Fixture
  /** The fixture's store. */
  store(): Fixture['store']
  /** A second handle on the same data (`connectAnother`, once per block), or the store itself without one. */
  another(): Promise<Fixture['store']>
}

/**
 * The frame every store suite shares: a named `describe`, one fixture opened before its tests
 * and cleaned up after them (also when a test failed), and the tests `register` adds.
 */
export function defineStoreSuite<Fixture extends StoreFixture<unknown>>(
  test: TestFunctions,
  title: string,
  factory: () => Promise<Fixture>,
  register: (fixture: FixtureAccess<Fixture>, it: (name: string, body: () => Promise<void>) => void) => void,
  options: StoreSuiteOptions = {},
): void {
  assertTestFunctions(test)
  const timeoutMs = options.timeoutMs ?? 20_000
  test.describe(title, () => {
    const opened = openOncePerBlock(test, title, factory)
    let second: Promise<Fixture['store']> | undefined
    const access: FixtureAccess<Fixture> = {
      opened,
      store: () => opened().store,
      another() {
        const { store, connectAnother } = opened()
        second ??= connectAnother ? connectAnother() : Promise.resolve(store)
        return second
      },
    }
    register(access, (name, body) => test.it(name, body, timeoutMs))
  })
}

/**
 * Opens one fixture before the tests of the enclosing `describe` block and cleans it up after
 * them (also when a test failed). Call inside a `describe` body; the returned function gives
 * tests the open fixture and throws, naming `label`, when it failed to open.
 */
export function openOncePerBlock<Fixture extends { cleanup(): Promise<void> }>(
  test: TestFunctions,
  label: string,
  factory: () => Promise<Fixture>,
): () => Fixture {
  let fixture: Fixture | undefined
  // Opening may run migrations on a real database: more time than a test gets.
  test.beforeAll(async () => {
    fixture = await factory()
  }, 120_000)
  test.afterAll(async () => {
    await fixture?.cleanup()
  }, 120_000)
  return () => {
    if (!fixture) throw new Error(`${label}: the fixture did not open (see the beforeAll failure)`)
    return fixture
  }
}
