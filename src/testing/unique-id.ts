import { randomUUID } from 'node:crypto'

/**
 * An id no other test — in this run, a parallel run or an earlier one against the same database
 * — has used: suites on shared backends tell their records apart by it.
 */
export function uniqueId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`
}
