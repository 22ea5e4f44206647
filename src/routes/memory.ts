import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { compactMemories } from '../services/memory/memory-service.ts'
import { AgentIdParams, requireAgent } from './agents.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

const CompactionBody = z
  .object({
    agent_id: z.string(),
    user_id: z.string().openapi({ description: 'Whose memories: the caller.' }),
    before: z.number().int().openapi({ description: 'Memories before compaction.' }),
    after: z.number().int().openapi({ description: 'Memories kept.' }),
    memories: z.array(z.object({ id: z.string(), content: z.string(), created_at: TimestampSchema })),
  })
  .openapi('MemoryCompaction')

const compactRoute = defineRoute(
  { id: 'agents.memory_compact', surface: 'api', scopes: ['agents:invoke'] },
  createRoute({
    operationId: 'compactAgentMemory',
    method: 'post',
    path: '/v1/agents/{agent_id}/memory/compact',
    tags: ['Memory'],
    summary: 'Compact your memories of an agent',
    description:
      "Always the caller's own memories of the agent: duplicates and memories contained in another are dropped (no model is called). A caller without a user identity gets 401 `auth_required`; an agent without memory 400 `memory_disabled`.",
    request: { params: AgentIdParams },
    responses: {
      200: { description: 'What is kept', content: { 'application/json': { schema: CompactionBody } } },
      ...errors(400, 401, 403, 404),
    },
  }),
)

/** Agent memory: compaction of the caller's own memories. */
export function registerMemoryRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(compactRoute, async (c) => {
    const runtime = c.var.runtime
    const agent = await requireAgent(runtime, c.req.valid('param').agent_id)
    const result = await compactMemories(runtime.memories, agent, c.var.viewer)
    await runtime.audit.record({
      eventType: 'memory.compacted',
      actor: c.var.principal?.id ?? null,
      resourceType: 'agent',
      resourceId: agent.id,
      metadata: { before: result.before, after: result.memories.length },
      ipAddress: c.var.origin.clientIp ?? null,
    })
    return c.json(
      {
        agent_id: agent.id,
        user_id: result.scope.ownerId,
        before: result.before,
        after: result.memories.length,
        memories: result.memories.map((memory) => ({
          id: memory.id,
          content: memory.content,
          created_at: toTimestamp(memory.createdAt),
        })),
      },
      200,
    )
  })
}
