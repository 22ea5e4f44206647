import Sqlite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { withCachedStatements } from './cached-statements.ts'

describe('withCachedStatements', () => {
  const database = new Sqlite(':memory:')
  afterEach(() => database.exec('drop table if exists items'))

  it('prepares a query once and binds new parameters on each use', () => {
    const cached = withCachedStatements(database)
    cached.prepare('create table items (id integer)').run([])
    const insert = cached.prepare('insert into items (id) values (?)')
    insert.run([1])
    expect(cached.prepare('insert into items (id) values (?)')).toBe(insert)
    cached.prepare('insert into items (id) values (?)').run([2])
    expect(cached.prepare('select id from items order by id').all([])).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('gives a fresh statement while the cached one is busy iterating', () => {
    const cached = withCachedStatements(database)
    cached.prepare('create table items (id integer)').run([])
    for (const id of [1, 2]) cached.prepare('insert into items (id) values (?)').run([id])
    const outer = cached.prepare('select id from items order by id')
    const seen: unknown[] = []
    for (const row of outer.iterate([])) {
      seen.push(row, cached.prepare('select id from items order by id').all([]).length)
    }
    expect(seen).toEqual([{ id: 1 }, 2, { id: 2 }, 2])
  })

  it('keeps at most the configured number of statements', () => {
    const cached = withCachedStatements(database, 2)
    const first = cached.prepare('select 1')
    cached.prepare('select 2')
    cached.prepare('select 3')
    expect(cached.prepare('select 1')).not.toBe(first)
  })
})
