import type { Diagnostic, ToolDefinition } from '../core/workspace/model.ts'
import { toolFrontmatterSchema } from '../core/workspace/schemas.ts'
import { toParametersSchema } from '../core/workspace/tool-parameters.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { readItemDocuments } from './list-item-dirs.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

/** Handler modules looked for next to TOOL.md, in this order: a TypeScript/JavaScript one wins over Python. */
export const handlerFileNames = ['handler.ts', 'handler.mjs', 'handler.js', 'handler.py'] as const

export async function loadTools(
  files: WorkspaceFiles,
  validator: JsonSchemaValidator,
  diagnostics: Diagnostic[],
): Promise<ToolDefinition[]> {
  const tools: ToolDefinition[] = []
  for (const { id, folder, file, subject, data, body } of await readItemDocuments(
    files,
    'tools',
    'TOOL.md',
    toolFrontmatterSchema,
    diagnostics,
  )) {
    const parameters = toParametersSchema(data.parameters)
    const problem = validator.check(parameters)
    if (problem) {
      diagnostics.push({
        severity: 'error',
        file,
        subject,
        keyPath: 'parameters',
        message: `not a valid JSON Schema: ${problem}`,
      })
      continue
    }
    let handlerFile: string | null = null
    for (const name of handlerFileNames) {
      const candidate = `${folder}/${name}`
      const safe = await files.resolve(candidate)
      if (!safe.ok) {
        if (safe.reason.includes('symlink')) {
          diagnostics.push({ severity: 'error', file: candidate, subject, message: safe.reason })
        }
        continue
      }
      if ((await files.read(candidate)) !== undefined) {
        if (handlerFile === null) handlerFile = candidate
        else if (name === 'handler.py') {
          diagnostics.push({
            severity: 'warning',
            file: candidate,
            subject,
            message: `not used: ${handlerFile.slice(folder.length + 1)} is the handler (remove one of them)`,
          })
        }
      }
    }
    tools.push({
      id,
      file,
      name: data.name ?? id,
      description: data.description,
      parameters,
      allowedAgents: data.permissions.allowedAgents ?? null,
      requireApproval: data.permissions.requireApproval,
      timeoutMs: data.timeoutMs,
      idempotent: data.idempotent,
      onInterrupted: data.onInterrupted,
      instructions: body.trim(),
      handlerFile,
    })
  }
  return tools
}
