import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'draining']).openapi({
      description: '`draining` (with 503) while the gateway shuts down: send traffic elsewhere.',
    }),
    agent_count: z.number().int(),
    skill_count: z.number().int(),
    tool_count: z.number().int(),
    warnings: z
      .array(z.string())
      .optional()
      .openapi({ description: 'Why the gateway is degraded or unusual.' }),
  })
  .openapi('Health')

const healthRoute = defineRoute(
  { id: 'health', surface: 'api', scopes: [], public: true },
  createRoute({
    operationId: 'getHealth',
    method: 'get',
    path: '/v1/health',
    tags: ['Health'],
    summary: 'Gateway health',
    responses: {
      200: { description: 'Health summary', content: { 'application/json': { schema: HealthSchema } } },
      503: {
        description: 'Draining for shutdown',
        content: { 'application/json': { schema: HealthSchema } },
      },
    },
  }),
)

/** Short, path-free notes for the health response (it is public by default). */
export function healthWarnings(runtime: GatewayRuntime): string[] {
  const warnings: string[] = []
  const errors = runtime.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length
  const others = runtime.diagnostics.length - errors
  warnings.push(...runtime.notices)
  if (errors > 0) warnings.push(`the workspace has ${errors} error(s); run \`agentgw check\` for details`)
  else if (others > 0)
    warnings.push(`the workspace has ${others} warning(s); run \`agentgw check\` for details`)
  return warnings
}

export function registerHealthRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(healthRoute, (c) => {
    const runtime = c.var.runtime
    const warnings = healthWarnings(runtime)
    const degraded = runtime.diagnostics.some((diagnostic) => diagnostic.severity === 'error')
    const body = {
      agent_count: runtime.workspace.agents.length,
      skill_count: runtime.workspace.skills.length,
      tool_count: runtime.tools.list().length,
      ...(warnings.length > 0 ? { warnings } : {}),
    }
    if (runtime.drain.draining) return c.json({ status: 'draining' as const, ...body }, 503)
    return c.json({ status: degraded ? ('degraded' as const) : ('ok' as const), ...body }, 200)
  })
}
