/** The local services the suite uses (see stack.md). */
export const postgresUrl = process.env.AGW_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const redisUrl = process.env.AGW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export const rabbitmqUrl = process.env.AGW_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

/** A name unique to this test run, safe as a schema, key prefix or queue name. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`
}
