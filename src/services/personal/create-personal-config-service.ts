import { ownerIdOf, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type { PersonalConfig, PersonalConfigStore } from '../../core/ports/personal-config-store.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import { sensitiveProperties } from '../../core/workspace/setup-schema.ts'
import type { JsonSchema } from '../../core/workspace/tool-parameters.ts'
import type { JsonSchemaValidator, ValidateFunction } from '../../json-schema/create-json-schema-validator.ts'
import { requireAccess } from '../require-access.ts'
import { requireSecretBox, type SecretBox } from '../secrets/create-secret-box.ts'

/** A user's setup as the owner may read it back: secrets are only named, never shown. */
export interface PersonalConfigView {
  agentId: string
  ownerId: string
  /** The non-sensitive values. */
  values: Record<string, unknown>
  /** Names of the sensitive properties that have a stored value. */
  secretsSet: string[]
  instructions: string | null
  updatedAt: number
}

/** What a run of a personal agent gets from the user's setup. */
export interface PersonalRunSetup {
  /** Every value, sensitive ones decrypted: handed to tools only, never to the model. */
  values: Record<string, unknown>
  instructions: string | null
  /** The sensitive values as text, for redaction. */
  secretTexts: string[]
}

/** What the caller sends to save a setup. */
export interface PersonalConfigInput {
  values: Record<string, unknown>
  /** `undefined` keeps the stored instructions; `null` or `''` clears them. */
  instructions?: string | null | undefined
}

/** Users' setups of personal agents (`scope: personal`), each visible to its owner only. */
export interface PersonalConfigService {
  /** The agent's setup schema; `not_personal_agent` for a global agent. */
  setupSchema(agent: AgentDefinition): JsonSchema
  /** The caller's own setup; 401 without a user, `config_not_found` when there is none. */
  get(agent: AgentDefinition, viewer: Viewer): Promise<PersonalConfigView>
  /**
   * Validates and stores the caller's setup. A sensitive property left out (or sent as `''`)
   * keeps its stored value, so a form need not show secrets to keep them.
   */
  save(agent: AgentDefinition, viewer: Viewer, input: PersonalConfigInput): Promise<PersonalConfigView>
  /** Removes the caller's setup; `config_not_found` when there is none. */
  delete(agent: AgentDefinition, viewer: Viewer): Promise<void>
  /** Ids of the personal agents the caller has set up (none without a user). */
  configuredAgentIds(viewer: Viewer): Promise<Set<string>>
  /**
   * The setup a run of `agent` uses for this viewer: `undefined` for a global agent. For a
   * personal agent, 401 `auth_required` without a user and 409 `setup_required` (with the
   * setup page as `setup_url`) before the user has completed the setup.
   */
  forRun(agent: AgentDefinition, viewer: Viewer): Promise<PersonalRunSetup | undefined>
}

export interface CreatePersonalConfigServiceOptions {
  store: PersonalConfigStore
  /** Seals sensitive values; required as soon as an agent's setup schema has one. */
  secretBox: SecretBox | undefined
  validator: JsonSchemaValidator
  /** Where users complete a setup (a gateway path, without the prefix). */
  setupPath: (agentId: string) => string
  /** Personal agents at start, so a missing secret key fails the start instead of a request. */
  agents: readonly AgentDefinition[]
}

/** The user a personal agent runs for: an authenticated principal that is not the anonymous one. */
function userIdOf(viewer: Viewer): string | undefined {
  if (viewer.kind !== 'principal' || viewer.principal.kind === 'anonymous') return undefined
  return ownerIdOf(viewer) ?? undefined
}

function requireUser(agent: AgentDefinition, viewer: Viewer): string {
  const userId = userIdOf(viewer)
  if (userId === undefined) {
    throw new GatewayError('auth_required', {
      message: `Agent "${agent.id}" is personal: it runs only for an identified user, with that user's setup.`,
    })
  }
  return userId
}

const sealContext = (agentId: string, ownerId: string, property: string) =>
  `personal:${JSON.stringify([agentId, ownerId, property])}`

export function createPersonalConfigService(
  options: CreatePersonalConfigServiceOptions,
): PersonalConfigService {
  const { store, validator } = options
  for (const agent of options.agents) {
    if (agent.scope === 'personal' && sensitiveProperties(agent.setupSchema).length > 0)
      requireSecretBox(options.secretBox, `The setup of personal agent "${agent.id}"`)
  }
  const compiled = new Map<string, { schema: JsonSchema; validate: ValidateFunction }>()
  const validatorFor = (agent: AgentDefinition, schema: JsonSchema) => {
    const cached = compiled.get(agent.id)
    if (cached?.schema === schema) return cached.validate
    const validate = validator.compile(schema)
    compiled.set(agent.id, { schema, validate })
    return validate
  }

  const setupSchema = (agent: AgentDefinition): JsonSchema => {
    if (agent.scope !== 'personal') {
      throw new GatewayError('not_personal_agent', {
        message: `Agent "${agent.id}" is not a personal agent: it needs no setup.`,
      })
    }
    return agent.setupSchema ?? { type: 'object', properties: {} }
  }
  const box = (agent: AgentDefinition) =>
    requireSecretBox(options.secretBox, `The setup of personal agent "${agent.id}"`)

  const notFound = (agent: AgentDefinition) => () =>
    new GatewayError('config_not_found', { message: `You have not set up agent "${agent.id}".` })

  const readOwn = async (agent: AgentDefinition, viewer: Viewer, access: 'read' | 'change') => {
    const userId = requireUser(agent, viewer)
    return requireAccess(await store.get(agent.id, userId), {
      viewer,
      access,
      ownerId: (config) => config.ownerId,
      notFound: notFound(agent),
      forbiddenMessage: 'Only its owner may change a personal setup.',
    })
  }

  const toView = (config: PersonalConfig): PersonalConfigView => ({
    agentId: config.agentId,
    ownerId: config.ownerId,
    values: { ...config.values },
    secretsSet: Object.keys(config.secrets).sort(),
    instructions: config.instructions,
    updatedAt: config.updatedAt,
  })

  const openSecrets = (agent: AgentDefinition, config: PersonalConfig): Record<string, unknown> => {
    const opened: Record<string, unknown> = {}
    for (const [property, sealed] of Object.entries(config.secrets)) {
      opened[property] = JSON.parse(box(agent).open(sealed, sealContext(agent.id, config.ownerId, property)))
    }
    return opened
  }

  return {
    setupSchema,

    async get(agent, viewer) {
      setupSchema(agent)
      return toView(await readOwn(agent, viewer, 'read'))
    },

    async save(agent, viewer, input) {
      const schema = setupSchema(agent)
      const userId = requireUser(agent, viewer)
      const stored = await store.get(agent.id, userId)
      if (stored)
        requireAccess(stored, {
          viewer,
          access: 'change',
          ownerId: (config) => config.ownerId,
          notFound: notFound(agent),
          forbiddenMessage: 'Only its owner may change a personal setup.',
        })
      const sensitive = new Set(sensitiveProperties(schema))
      const kept = stored ? openSecrets(agent, stored) : {}
      const merged: Record<string, unknown> = {}
      for (const [property, value] of Object.entries(input.values)) {
        // A blank secret keeps the stored one: forms never receive secrets to send them back.
        if (sensitive.has(property) && (value === '' || value === null)) continue
        merged[property] = value
      }
      for (const [property, value] of Object.entries(kept))
        if (!(property in merged)) merged[property] = value
      const problems = validatorFor(agent, schema)(merged)
      if (problems.length > 0) {
        throw new GatewayError('validation_failed', {
          message: `The setup does not match the agent's setup schema: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`,
          details: problems.map((problem) => ({ path: problem.path, message: problem.message })),
        })
      }
      const values: Record<string, unknown> = {}
      const secrets: Record<string, string> = {}
      for (const [property, value] of Object.entries(merged)) {
        if (!sensitive.has(property)) values[property] = value
        else
          secrets[property] = box(agent).seal(JSON.stringify(value), sealContext(agent.id, userId, property))
      }
      const instructions =
        input.instructions === undefined ? (stored?.instructions ?? null) : input.instructions?.trim() || null
      const config: PersonalConfig = {
        agentId: agent.id,
        ownerId: userId,
        values,
        secrets,
        instructions,
        updatedAt: Date.now(),
      }
      await store.put(config)
      return toView(config)
    },

    async delete(agent, viewer) {
      setupSchema(agent)
      const config = await readOwn(agent, viewer, 'change')
      await store.delete(config.agentId, config.ownerId)
    },

    async configuredAgentIds(viewer) {
      const userId = userIdOf(viewer)
      if (userId === undefined) return new Set()
      return new Set((await store.listByOwner(userId)).map((config) => config.agentId))
    },

    async forRun(agent, viewer) {
      if (agent.scope !== 'personal') return undefined
      const userId = requireUser(agent, viewer)
      const config = await store.get(agent.id, userId)
      if (!config) {
        throw new GatewayError('setup_required', {
          message: `Agent "${agent.id}" is personal: complete its setup first.`,
          links: { setup_url: options.setupPath(agent.id) },
        })
      }
      const owned = requireAccess(config, {
        viewer,
        access: 'read',
        ownerId: (entry) => entry.ownerId,
        notFound: notFound(agent),
        forbiddenMessage: 'Only its owner may use a personal setup.',
      })
      const secrets = openSecrets(agent, owned)
      const secretTexts = Object.values(secrets)
        .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
        .filter((text) => text.length >= 4)
      return { values: { ...owned.values, ...secrets }, instructions: owned.instructions, secretTexts }
    },
  }
}
