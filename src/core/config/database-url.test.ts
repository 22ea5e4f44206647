import { describe, expect, it } from 'vitest'
import { toDatabaseLocation } from './database-url.ts'
import { resolveConfig } from './resolve-config.ts'

describe('toDatabaseLocation', () => {
  it.each([
    ['data/agentgw.db', 'data/agentgw.db'],
    ['/var/lib/agw.db', '/var/lib/agw.db'],
    [':memory:', ':memory:'],
    ['sqlite:relative.db', 'relative.db'],
    ['sqlite:///data.db', 'data.db'],
    ['sqlite+aiosqlite:///data.db', 'data.db'],
    ['sqlite+aiosqlite:////srv/agents/data.db', '/srv/agents/data.db'],
    ['sqlite://', ':memory:'],
    ['sqlite+aiosqlite:///:memory:', ':memory:'],
  ])('reads %s as the SQLite file %s', (url, file) => {
    expect(toDatabaseLocation(url)).toEqual({ ok: true, backend: 'sqlite', file })
  })

  it.each([
    ['postgres://u:p@db:5432/agents', 'postgres://u:p@db:5432/agents'],
    ['postgresql://db/agents', 'postgres://db/agents'],
    ['postgresql+asyncpg://u:p@db/agents', 'postgres://u:p@db/agents'],
    ['postgresql+psycopg2://db/agents?sslmode=require', 'postgres://db/agents?sslmode=require'],
  ])('reads %s as a PostgreSQL URL', (url, normalized) => {
    expect(toDatabaseLocation(url)).toEqual({ ok: true, backend: 'postgres', url: normalized })
  })

  it('refuses other schemes instead of creating a folder named after them', () => {
    const mysql = toDatabaseLocation('mysql+aiomysql://u:secret@db/agents')
    expect(mysql).toEqual({ ok: false, reason: expect.stringContaining('unsupported database URL') })
    expect(!mysql.ok && mysql.reason).not.toContain('secret')
    expect(toDatabaseLocation('sqlite://host/data.db').ok).toBe(false)
    expect(toDatabaseLocation('sqlite:///data.db?mode=ro').ok).toBe(false)
  })
})

describe('persistence.url in gateway.yaml', () => {
  const resolve = (text: string) => resolveConfig({ yaml: { text, file: 'gateway.yaml' } }).config.persistence

  it('takes the backend from the URL when backend is not set', () => {
    expect(resolve('persistence:\n  url: sqlite+aiosqlite:///data.db\n')).toMatchObject({
      backend: 'sqlite',
      url: 'data.db',
    })
    expect(resolve('persistence:\n  url: postgresql+asyncpg://db/agents\n')).toMatchObject({
      backend: 'postgres',
      url: 'postgres://db/agents',
    })
    expect(resolve('').backend).toBe('sqlite')
  })

  it('refuses a URL that contradicts the backend, naming the line', () => {
    expect(() => resolve('persistence:\n  backend: sqlite\n  url: postgres://db/agents\n')).toThrow(
      /gateway\.yaml:2:\d+ persistence\.backend: backend is sqlite but url points to a PostgreSQL server/,
    )
    expect(() => resolve('persistence:\n  url: redis://cache\n')).toThrow(
      /gateway\.yaml:2:\d+ persistence\.url: unsupported database URL/,
    )
  })
})
