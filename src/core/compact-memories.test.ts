import { describe, expect, it } from 'vitest'
import { compactMemoryContents } from './compact-memories.ts'

describe('compactMemoryContents', () => {
  it('drops empty memories and duplicates, keeping the newer one (in its place)', () => {
    expect(compactMemoryContents(['Likes tea.', '  ', 'lives in Porto', 'likes  TEA'])).toEqual([
      'lives in Porto',
      'likes  TEA',
    ])
  })

  it('drops a memory contained in another, in either order', () => {
    expect(
      compactMemoryContents([
        'lives in Lisbon',
        'lives in Lisbon near the river',
        'has a cat',
        'has a cat named Miso',
      ]),
    ).toEqual(['lives in Lisbon near the river', 'has a cat named Miso'])
  })

  it('leaves distinct memories as they are', () => {
    expect(compactMemoryContents(['a fact', 'another thing'])).toEqual(['a fact', 'another thing'])
  })
})
