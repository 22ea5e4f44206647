import { describe, expect, it } from 'vitest'
import { createMemoryEventBus, createMemoryEventHub } from '../src/adapters/bus/memory-event-bus.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import type { AgentDefinition, Diagnostic, WorkspaceDefinition } from '../src/core/workspace/model.ts'
import {
  createWorkspaceReloader,
  type LoadedWorkspace,
} from '../src/services/workspace/create-workspace-reloader.ts'
import { waitFor } from './support/spawn-gateway.ts'

/** A loaded workspace whose one agent has `prompt`; its tools count their closes. */
function loaded(prompt: string, diagnostics: Diagnostic[] = []) {
  const closed = { count: 0 }
  const workspace = {
    root: '/tmp/x',
    sharedPrompt: null,
    sharedBehavior: null,
    agents: [{ id: 'helper', file: 'agents/helper/AGENT.md', prompt } as unknown as AgentDefinition],
    skills: [],
    tools: [],
    diagnostics: [],
  } satisfies WorkspaceDefinition
  const value: LoadedWorkspace = {
    workspace,
    tools: { get: () => undefined, list: () => [], close: async () => void closed.count++ },
    diagnostics,
    notices: [],
  }
  return { value, closed }
}

function instance(hub: ReturnType<typeof createMemoryEventHub>, files: { prompt: string; broken?: boolean }) {
  const applied: string[] = []
  const closes: { count: number }[] = []
  const reloader = createWorkspaceReloader({
    initial: loaded(files.prompt).value,
    load: async () => {
      const next = loaded(
        files.prompt,
        files.broken ? [{ severity: 'error', file: 'agents/helper/AGENT.md', line: 2, message: 'bad' }] : [],
      )
      closes.push(next.closed)
      return next.value
    },
    apply: (next) => applied.push((next.workspace.agents[0] as unknown as { prompt: string }).prompt),
    retireAfterMs: 60_000,
    bus: createMemoryEventBus({ hub }),
    logger: createSilentLogger(),
  })
  return { reloader, applied, closes }
}

describe('the workspace reloader', () => {
  it('reloads another instance through the bus, and not the one that announced', async () => {
    const hub = createMemoryEventHub()
    const files = { prompt: 'one' }
    const a = instance(hub, files)
    const b = instance(hub, files)
    await a.reloader.start()
    await b.reloader.start()
    expect(a.reloader.version).toBe(b.reloader.version)

    files.prompt = 'two'
    const result = await a.reloader.reload()
    expect(result.status).toBe('reloaded')
    await waitFor(async () => (b.reloader.version === a.reloader.version ? true : undefined), 5000, 10)
    expect(a.applied).toEqual(['two'])
    expect(b.applied).toEqual(['two'])
    await a.reloader.stop()
    await b.reloader.stop()
  })

  it('refuses files with errors: nothing is applied, the version stays, the new tools are closed', async () => {
    const hub = createMemoryEventHub()
    const files = { prompt: 'one', broken: false }
    const a = instance(hub, files)
    const before = a.reloader.version
    files.prompt = 'two'
    files.broken = true
    const result = await a.reloader.reload()
    expect(result).toMatchObject({ status: 'refused', version: before })
    expect(a.applied).toEqual([])
    expect(a.reloader.version).toBe(before)
    expect(a.closes.map((closed) => closed.count)).toEqual([1])
  })

  it('runs concurrent reloads one after the other', async () => {
    const hub = createMemoryEventHub()
    const files = { prompt: 'one' }
    const a = instance(hub, files)
    files.prompt = 'two'
    const results = await Promise.all([a.reloader.reload(), a.reloader.reload(), a.reloader.reload()])
    const versions = results.map((result) => (result.status === 'reloaded' ? result.previousVersion : ''))
    // Each saw the version the one before it left: the first from "one", the others from "two".
    expect(versions[0]).not.toBe(versions[1])
    expect(versions[1]).toBe(versions[2])
    expect(a.applied).toEqual(['two', 'two', 'two'])
  })
})
