import { describe, expect, it } from 'vitest'
import type { AgentDefinition, WorkspaceDefinition } from '../core/workspace/model.ts'
import { assembleSystemPrompt, maxContextFileChars, userMessageContent } from './assemble-system-prompt.ts'
import { createPromptClock } from './create-prompt-clock.ts'

const agent = {
  id: 'a',
  prompt: 'AGENT BODY',
  behavior: 'AGENT BEHAVIOR',
  contextFiles: [
    { path: 'agents/a/context/a.md', content: 'CONTEXT A' },
    { path: 'agents/a/context/b.md', content: 'y'.repeat(maxContextFileChars + 50) },
  ],
  retrievers: [],
} as unknown as AgentDefinition
const workspace = { sharedPrompt: 'SHARED AGENTS', sharedBehavior: 'SHARED BEHAVIOR' } as WorkspaceDefinition

describe('assembleSystemPrompt', () => {
  it('orders the layers: date, AGENTS.md, BEHAVIOR.md, agent, agent behavior, context, skills, output format', () => {
    const prompt = assembleSystemPrompt({
      agent,
      workspace,
      skills: [
        {
          id: 's',
          name: 'search',
          description: 'SKILL DESC',
          instructions: 'SKILL BODY',
          steps: null,
        } as never,
      ],
      outputSchema: { type: 'object' },
      dateLine: createPromptClock(() => new Date('2026-03-01T12:00:00Z'))('Europe/Lisbon'),
    })
    const order = [
      'Current date and time (Europe/Lisbon)',
      'SHARED AGENTS',
      'SHARED BEHAVIOR',
      'AGENT BODY',
      'AGENT BEHAVIOR',
      'CONTEXT A',
      'SKILL BODY',
      '## Output Format',
    ]
    const positions = order.map((marker) => prompt.indexOf(marker))
    expect(positions.every((position) => position >= 0)).toBe(true)
    expect([...positions].sort((x, y) => x - y)).toEqual(positions)
    expect(prompt.split('\n\n---\n\n')).toHaveLength(8)
  })

  it('formats the date line in the time zone, reusing it within the same second', () => {
    let now = new Date('2026-03-01T12:00:00Z')
    const clock = createPromptClock(() => now)
    expect(clock('Europe/Lisbon')).toMatch(
      /^Current date and time \(Europe\/Lisbon\): Sunday,? 1 March 2026 at 12:00:00 /,
    )
    expect(clock('Asia/Tokyo')).toMatch(/21:00:00/)
    now = new Date('2026-03-01T12:00:01Z')
    expect(clock('Europe/Lisbon')).toMatch(/12:00:01/)
  })

  it('caps each context file', () => {
    const prompt = assembleSystemPrompt({
      agent,
      workspace,
      skills: [],
      outputSchema: null,
      dateLine: createPromptClock()('UTC'),
    })
    expect(prompt).toContain('[… truncated]')
    expect(prompt.length).toBeLessThan(maxContextFileChars + 2000)
  })

  it('adds structured input as a JSON block', () => {
    expect(userMessageContent('hi', {})).toBe('hi')
    expect(userMessageContent('hi', { city: 'Porto' })).toContain(
      '## Input\n```json\n{\n  "city": "Porto"\n}\n```',
    )
  })
})
