import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { formatConfigIssue, GatewayError } from '../core/errors.ts'
import type { Diagnostic } from '../core/workspace/model.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import type { ItemChanges } from '../services/workspace/workspace-version.ts'

const ChangesSchema = z
  .object({
    added: z.array(z.string()),
    removed: z.array(z.string()),
    changed: z.array(z.string()),
  })
  .openapi('WorkspaceItemChanges')

const DiagnosticSchema = z
  .object({
    severity: z.enum(['error', 'warning']),
    file: z.string().nullable(),
    line: z.number().int().nullable(),
    column: z.number().int().nullable(),
    key_path: z.string().nullable(),
    message: z.string(),
  })
  .openapi('WorkspaceDiagnostic')

const ReloadSchema = z
  .object({
    status: z.literal('reloaded'),
    message: z.string().openapi({ description: 'One line for people, e.g. for a deploy log.' }),
    agent_count: z.number().int().openapi({ description: 'Agents served now.' }),
    version: z.string().openapi({ description: 'Content hash of the workspace now served.' }),
    previous_version: z.string(),
    agents: ChangesSchema,
    skills: ChangesSchema,
    tools: ChangesSchema,
    shared_prompt_changed: z
      .boolean()
      .openapi({ description: '`AGENTS.md` or `BEHAVIOR.md` changed, and with them every prompt.' }),
    warnings: z.array(DiagnosticSchema),
  })
  .openapi('WorkspaceReload')

const reloadRoute = defineRoute(
  { id: 'workspace.reload', surface: 'api', scopes: ['admin'] },
  createRoute({
    operationId: 'reloadWorkspace',
    method: 'post',
    path: '/v1/reload',
    tags: ['Workspace'],
    summary: 'Reload the workspace from disk',
    description:
      'Reads the workspace folder again and, when it has no errors, serves it from now on on every ' +
      'instance (runs already started finish on the version they started with). With errors, ' +
      'answers 422 `workspace_invalid` with one detail per problem (`file:line` as `agentgw check` ' +
      'prints them) and the loaded version keeps serving.',
    responses: {
      200: {
        description: 'The new version and what changed',
        content: { 'application/json': { schema: ReloadSchema } },
      },
      ...errors(401, 403, 422),
    },
  }),
)

const toChanges = (changes: ItemChanges) => ({ ...changes })

function toDiagnostic(diagnostic: Diagnostic): z.infer<typeof DiagnosticSchema> {
  return {
    severity: diagnostic.severity,
    file: diagnostic.file ?? null,
    line: diagnostic.line ?? null,
    column: diagnostic.column ?? null,
    key_path: diagnostic.keyPath ?? null,
    message: diagnostic.message,
  }
}

/** Where a problem is, as a detail path: `file:line:column`, like `agentgw check`. */
function detailPath(diagnostic: Diagnostic): string {
  return [
    diagnostic.file ?? 'workspace',
    diagnostic.line,
    diagnostic.line !== undefined ? diagnostic.column : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(':')
}

export function registerReloadRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(reloadRoute, async (c) => {
    const result = await c.var.runtime.reloader.reload()
    if (result.status === 'refused') {
      const problems = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
      throw new GatewayError('workspace_invalid', {
        message: `The workspace has ${problems.length} error(s); version ${result.version} keeps serving.`,
        // `path` is where (file:line:column), `message` as `agentgw check` prints it.
        details: problems.map((diagnostic) => ({
          ...toDiagnostic(diagnostic),
          path: detailPath(diagnostic),
          message: formatConfigIssue(diagnostic),
        })),
      })
    }
    const agentCount = c.var.runtime.workspace.agents.length
    return c.json(
      {
        status: 'reloaded' as const,
        message: `Workspace reloaded: version ${result.version}, ${agentCount} agent(s).`,
        agent_count: agentCount,
        version: result.version,
        previous_version: result.previousVersion,
        agents: toChanges(result.changes.agents),
        skills: toChanges(result.changes.skills),
        tools: toChanges(result.changes.tools),
        shared_prompt_changed: result.changes.sharedPrompt,
        warnings: result.diagnostics.map(toDiagnostic),
      },
      200,
    )
  })
}
