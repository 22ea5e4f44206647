import { describe, expect, it } from 'vitest'
import { cloneData } from './clone-data.ts'

describe('cloneData', () => {
  it('copies nested objects and arrays so changes to the copy leave the original alone', () => {
    const original = { id: 'a', input: { tags: ['x', { deep: 1 }] }, result: null, count: 2 }
    const copy = cloneData(original)
    expect(copy).toStrictEqual(original)
    copy.input.tags.push('y')
    ;(copy.input.tags[1] as { deep: number }).deep = 2
    expect(original.input.tags).toEqual(['x', { deep: 1 }])
  })

  it('keeps undefined properties, like structuredClone', () => {
    expect(Object.keys(cloneData({ timeoutMs: undefined, outputSchema: null }))).toEqual([
      'timeoutMs',
      'outputSchema',
    ])
  })

  it('copies values that are not plain data with structuredClone', () => {
    const at = new Date('2026-01-01T00:00:00Z')
    const copy = cloneData({ at, lookup: new Map([['k', 1]]) })
    expect(copy.at).not.toBe(at)
    expect(copy.at.getTime()).toBe(at.getTime())
    expect(copy.lookup.get('k')).toBe(1)
  })
})
