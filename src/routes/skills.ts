import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { GatewayError } from '../core/errors.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { toSkillInfo } from '../http/workspace-wire.ts'

const SkillInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tools: z.array(z.string()),
    has_workflow: z.boolean(),
    step_count: z.number().int(),
  })
  .openapi('SkillInfo')

const listSkillsRoute = defineRoute(
  { id: 'skills.list', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'listSkills',
    method: 'get',
    path: '/v1/skills',
    tags: ['Skills'],
    summary: 'List skills',
    responses: {
      200: {
        description: 'All skills',
        content: { 'application/json': { schema: z.array(SkillInfoSchema) } },
      },
      ...errors(401, 403),
    },
  }),
)

const getSkillRoute = defineRoute(
  { id: 'skills.get', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'getSkill',
    method: 'get',
    path: '/v1/skills/{skill_id}',
    tags: ['Skills'],
    summary: 'Get a skill',
    request: {
      params: z.object({ skill_id: z.string().openapi({ param: { name: 'skill_id', in: 'path' } }) }),
    },
    responses: {
      200: { description: 'The skill', content: { 'application/json': { schema: SkillInfoSchema } } },
      ...errors(401, 403, 404),
    },
  }),
)

export function registerSkillRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listSkillsRoute, (c) => c.json(c.var.runtime.workspace.skills.map(toSkillInfo), 200))
  app.openapi(getSkillRoute, (c) => {
    const id = c.req.valid('param').skill_id
    const skill = c.var.runtime.workspace.skills.find((candidate) => candidate.id === id)
    if (!skill) throw new GatewayError('skill_not_found', { message: `Skill "${id}" not found.` })
    return c.json(toSkillInfo(skill), 200)
  })
}
