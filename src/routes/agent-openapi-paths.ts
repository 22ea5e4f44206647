import { scopes } from '../core/scopes.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'

type OpenApiDocument = {
  paths?: Record<string, object>
  components?: { securitySchemes?: Record<string, object> }
}

type Operation = { security?: Record<string, string[]>[] }

function embeddable(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema
  return rest
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
})

/** `travel-planner` → `TravelPlanner`, for operation ids SDK generators turn into method names. */
function toPascalCase(id: string): string {
  return id
    .split(/[-_]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('')
}

function uniqueOperationId(wanted: string, taken: Set<string>): string {
  let id = wanted
  for (let index = 2; taken.has(id); index++) id = `${wanted}${index}`
  taken.add(id)
  return id
}

/**
 * Adds a typed `POST /v1/agents/<id>/invoke` operation for every agent with an input or output
 * schema, so generated clients get real request and response types. The generic route serves
 * them; these entries only describe them.
 */
export function addAgentInvokePaths(document: OpenApiDocument, agents: readonly AgentDefinition[]): void {
  document.paths ??= {}
  // Generated names must not collide with the built-in operations (an agent named `agent`).
  const taken = new Set<string>()
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { operationId?: string }>)) {
      if (operation.operationId) taken.add(operation.operationId)
    }
  }
  for (const agent of agents) {
    if (!agent.inputSchema && !agent.outputSchema) continue
    const input = agent.inputSchema ? embeddable(agent.inputSchema) : { type: 'object' }
    const requestSchema = {
      type: 'object',
      properties: {
        message: { type: 'string', minLength: 1, maxLength: 102_400 },
        input,
        options: { $ref: '#/components/schemas/InvokeRequest/properties/options' },
      },
      required: agent.inputSchema ? ['message', 'input'] : ['message'],
      additionalProperties: false,
    }
    const responseSchema = agent.outputSchema
      ? {
          allOf: [
            { $ref: '#/components/schemas/InvokeResponse' },
            {
              type: 'object',
              properties: {
                result: { type: 'object', properties: { output: embeddable(agent.outputSchema) } },
              },
            },
          ],
        }
      : { $ref: '#/components/schemas/InvokeResponse' }
    document.paths[`/v1/agents/${agent.id}/invoke`] = {
      post: {
        operationId: uniqueOperationId(`invoke${toPascalCase(agent.id)}`, taken),
        tags: ['Agents'],
        summary: `Run ${agent.displayName ?? agent.id}`,
        description: agent.description || undefined,
        security: [{ bearerAuth: ['agents:invoke'] }],
        requestBody: { required: true, content: { 'application/json': { schema: requestSchema } } },
        responses: {
          200: {
            description: 'The run finished',
            content: { 'application/json': { schema: responseSchema } },
          },
          401: errorResponse('Missing or invalid credentials'),
          404: errorResponse('Not found'),
          422: errorResponse('Validation failed'),
        },
      },
    }
  }
}

/**
 * Offers OAuth2 login in the docs when an issuer is configured: an `authorizationCode` scheme
 * (from OIDC discovery) next to `bearerAuth` on every protected operation.
 */
export function addOAuth2Scheme(
  document: OpenApiDocument,
  endpoints: { authorizationUrl: string; tokenUrl: string },
): void {
  document.components ??= {}
  document.components.securitySchemes ??= {}
  document.components.securitySchemes.oauth2 = {
    type: 'oauth2',
    flows: {
      authorizationCode: {
        authorizationUrl: endpoints.authorizationUrl,
        tokenUrl: endpoints.tokenUrl,
        scopes: Object.fromEntries(scopes.map((scope) => [scope, `The ${scope} scope`])),
      },
    },
  }
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      const bearer = operation.security?.find((requirement) => 'bearerAuth' in requirement)
      if (bearer) operation.security?.push({ oauth2: bearer.bearerAuth ?? [] })
    }
  }
}
