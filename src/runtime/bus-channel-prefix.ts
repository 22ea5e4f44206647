import { createHash } from 'node:crypto'

const readable = /^[a-z_][a-z0-9_]{0,21}$/

/**
 * The Postgres event bus's channel prefix for one gateway's tables: `agw_<schema>_<prefix>` when
 * that is a short lowercase identifier (as it always was), otherwise `agw_` and a hash of both,
 * so a long or mixed-case schema name never stops the gateway from starting and two gateways
 * sharing a database still never hear each other.
 */
export function busChannelPrefix(schema: string | null, tablePrefix: string): string {
  const plain = `agw_${schema ?? ''}_${tablePrefix}`
  if (readable.test(plain)) return plain
  const digest = createHash('sha256')
    .update(`${schema ?? ''}\0${tablePrefix}`)
    .digest('hex')
  return `agw_${digest.slice(0, 16)}`
}
