import { describe, expect, it } from 'vitest'
import { busChannelPrefix } from './bus-channel-prefix.ts'

describe('busChannelPrefix', () => {
  it('keeps the readable prefix for short lowercase names', () => {
    expect(busChannelPrefix('agents', '')).toBe('agw_agents_')
    expect(busChannelPrefix(null, 'agw_')).toBe('agw__agw_')
  })

  it('hashes long or mixed-case names into a valid prefix, distinct per schema and table prefix', () => {
    const long = busChannelPrefix('company_agents_production_eu', '')
    const mixed = busChannelPrefix('Agents-Prod', '')
    const other = busChannelPrefix('company_agents_production_eu', 'x_')
    for (const prefix of [long, mixed, other]) expect(prefix).toMatch(/^[a-z_][a-z0-9_]{0,21}$/)
    expect(new Set([long, mixed, other]).size).toBe(3)
  })
})
