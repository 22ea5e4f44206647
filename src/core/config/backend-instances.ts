import { ConfigError } from '../errors.ts'
import type { EventBus } from '../ports/event-bus.ts'
import type { GatewayStorage } from '../ports/gateway-storage.ts'
import type { JobQueue } from '../ports/job-queue.ts'
import { type BackendShape, missingMembers, recognizeBackend } from '../ports/port-shapes.ts'
import type { RateLimitStore } from '../ports/rate-limit-store.ts'
import type { GatewayConfigData, GatewayConfigInput } from './schema.ts'

/** Backends handed to a gateway as objects rather than named in its configuration. */
export interface BackendInstances {
  storage?: GatewayStorage | undefined
  queue?: JobQueue | undefined
  eventBus?: EventBus | undefined
  rateLimitStore?: RateLimitStore | undefined
}

/** One place in the configuration where a backend is named, and what an instance there must be. */
interface BackendSlot {
  section: 'persistence' | 'queue' | 'rateLimit'
  key: string
  /** As the YAML spells it, for messages. */
  keyPath: string
  instance: keyof BackendInstances
  shape: BackendShape
}

const slots: readonly BackendSlot[] = [
  {
    section: 'persistence',
    key: 'backend',
    keyPath: 'persistence.backend',
    instance: 'storage',
    shape: 'GatewayStorage',
  },
  { section: 'queue', key: 'backend', keyPath: 'queue.backend', instance: 'queue', shape: 'JobQueue' },
  { section: 'queue', key: 'eventBus', keyPath: 'queue.event_bus', instance: 'eventBus', shape: 'EventBus' },
  {
    section: 'rateLimit',
    key: 'store',
    keyPath: 'rate_limit.store',
    instance: 'rateLimitStore',
    shape: 'RateLimitStore',
  },
]

/** Where the same object belongs instead, when it was handed in the wrong place. */
const slotOfShape = new Map(slots.map((slot) => [slot.shape, slot.keyPath]))

export interface SplitConfigInput {
  /** The input with every backend instance taken out: plain data for the schema. */
  data: GatewayConfigData
  /** The instances found. */
  instances: BackendInstances
  /** Slots the input names a backend in (a string): they replace an instance given earlier. */
  named: (keyof BackendInstances)[]
}

const withArticle = (noun: string) => `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function refuse(slot: BackendSlot, value: unknown): ConfigError {
  const recognized = recognizeBackend(value)
  const elsewhere = recognized ? slotOfShape.get(recognized) : undefined
  if (recognized && elsewhere && elsewhere !== slot.keyPath) {
    return new ConfigError({
      file: 'options',
      keyPath: slot.keyPath,
      message: `expected a backend name or ${withArticle(slot.shape)}, got ${withArticle(recognized)}: pass it as ${elsewhere}`,
    })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new ConfigError({
      file: 'options',
      keyPath: slot.keyPath,
      message: `expected a backend name or ${withArticle(slot.shape)}, got ${describe(value)}`,
    })
  }
  const missing = missingMembers(value, slot.shape)
  return new ConfigError({
    file: 'options',
    keyPath: slot.keyPath,
    message: `this object is not ${withArticle(slot.shape)}: it lacks ${missing.join(', ')}`,
  })
}

/**
 * Takes the backend instances out of configuration given in code (constructor options,
 * `configure()`), checking each against its port, so the rest is plain data for the schema.
 * YAML and env never reach here: they can only name backends. Throws `ConfigError` for anything
 * in a backend slot that is neither a string nor a complete instance of that slot's port.
 */
export function splitBackendInstances(input: GatewayConfigInput): SplitConfigInput {
  const instances: BackendInstances = {}
  const named: (keyof BackendInstances)[] = []
  const sections = new Map<string, Record<string, unknown>>()
  for (const slot of slots) {
    const section = (sections.get(slot.section) ?? input[slot.section]) as Record<string, unknown> | undefined
    if (section === undefined || section === null || typeof section !== 'object') continue
    const value = section[slot.key]
    if (value === undefined) continue
    if (typeof value === 'string') {
      named.push(slot.instance)
      continue
    }
    if (missingMembers(value, slot.shape).length > 0) throw refuse(slot, value)
    Object.assign(instances, { [slot.instance]: value })
    // Copy the section before removing the key: the caller's object stays as it was.
    const { [slot.key]: _instance, ...rest } = section
    sections.set(slot.section, rest)
  }
  const data = { ...input, ...Object.fromEntries(sections) } as GatewayConfigData
  return { data, instances, named }
}
