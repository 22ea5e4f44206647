import { z } from 'zod'

/**
 * Agent memory settings, shared by the `memory` section of gateway.yaml and the `memory` key of
 * AGENT.md. Both accept the shorthand `memory: true|false` for `{enabled: true|false}`; every
 * other key keeps its default. `toMemorySettings` is the one place that shorthand is read.
 */

const agentMemoryShape = {
  enabled: z.boolean().default(false),
  /** Extract memories from chat turns automatically. */
  autoExtract: z.boolean().default(false),
  /** Memory text injected into the prompt, at most. */
  maxInjectedChars: z.number().int().min(0).default(4000),
  /** Lines kept in a file-backed `MEMORY.md`. */
  maxMemoryMdLines: z.number().int().min(0).default(200),
}

const agentMemoryObject = z.object(agentMemoryShape)

const gatewayMemoryObject = z.object({
  ...agentMemoryShape,
  /** Model that extracts memories; `null` uses the agent's model. */
  extractionModel: z.string().min(1).nullable().default(null),
  compaction: z
    .object({
      enabled: z.boolean().default(true),
      maxMemoriesPerScope: z.number().int().min(1).default(100),
      compactRatio: z.number().gt(0).lt(1).default(0.5),
      minAgeHours: z.number().min(0).default(24),
      importanceThreshold: z.number().min(0).max(1).default(0.8),
      decayFactor: z.number().gt(0).max(1).default(0.95),
    })
    .prefault({}),
})

/** Per-agent memory settings (AGENT.md `memory`). */
export type AgentMemorySettings = z.output<typeof agentMemoryObject>
/** Gateway-wide memory settings (gateway.yaml `memory`). */
export type GatewayMemorySettings = z.output<typeof gatewayMemoryObject>

/**
 * Reads memory settings as written: `true`/`false` is the shorthand for `{enabled: …}`, a
 * mapping is taken as is. Validation and defaults are left to the schema that calls it.
 */
export function toMemorySettings<T extends object>(value: boolean | T): T | { enabled: boolean } {
  return typeof value === 'boolean' ? { enabled: value } : value
}

/** `memory` in AGENT.md: `true`, `false` or the settings mapping. */
export const agentMemorySchema = z
  .union([z.boolean(), agentMemoryObject])
  .transform((value) => agentMemoryObject.parse(toMemorySettings(value)))
  .prefault({})

/** `memory` in gateway.yaml: `true`, `false` or the settings mapping. */
export const gatewayMemorySchema = z
  .union([z.boolean(), gatewayMemoryObject])
  .transform((value) => gatewayMemoryObject.parse(toMemorySettings(value)))
  .prefault({})

/**
 * The warning a gateway.yaml that enables `memory` gets: memory is switched on per agent
 * (`memory:` in AGENT.md), the gateway-wide section is accepted but not read.
 */
export const gatewayMemoryNotRead =
  'gateway-wide memory settings are not read: enable memory per agent with `memory:` in its AGENT.md; remove this or set it to false to silence this'
