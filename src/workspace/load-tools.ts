import type { Diagnostic, ToolDefinition } from '../core/workspace/model.ts'
import { parseMarkdownWithSchema } from '../core/workspace/parse-markdown.ts'
import { toolFrontmatterSchema } from '../core/workspace/schemas.ts'
import { toParametersSchema } from '../core/workspace/tool-parameters.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { listItemDirectories, readItemFile } from './list-item-dirs.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

/** Handler modules looked for next to TOOL.md, in this order. */
export const handlerFileNames = ['handler.ts', 'handler.mjs', 'handler.js'] as const

export async function loadTools(
  files: WorkspaceFiles,
  validator: JsonSchemaValidator,
  diagnostics: Diagnostic[],
): Promise<ToolDefinition[]> {
  const tools: ToolDefinition[] = []
  for (const entry of await listItemDirectories(files, 'tools', diagnostics)) {
    const subject = { kind: 'tool' as const, id: entry.name }
    const file = `${entry.relative}/TOOL.md`
    const text = await readItemFile(files, file, diagnostics, subject)
    if (text === undefined) {
      if (!diagnostics.some((diagnostic) => diagnostic.file === file)) {
        diagnostics.push({
          severity: 'warning',
          file: entry.relative,
          subject,
          message: 'no TOOL.md; folder skipped',
        })
      }
      continue
    }
    const parsed = parseMarkdownWithSchema(text, file, toolFrontmatterSchema)
    diagnostics.push(...parsed.diagnostics.map((diagnostic) => ({ ...diagnostic, subject })))
    const data = parsed.data
    if (!data) continue
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
      const candidate = `${entry.relative}/${name}`
      const safe = await files.resolve(candidate)
      if (!safe.ok) {
        if (safe.reason.includes('symlink')) {
          diagnostics.push({ severity: 'error', file: candidate, subject, message: safe.reason })
        }
        continue
      }
      if ((await files.read(candidate)) !== undefined) {
        handlerFile = candidate
        break
      }
    }
    tools.push({
      id: entry.name,
      file,
      name: data.name ?? entry.name,
      description: data.description,
      parameters,
      allowedAgents: data.permissions.allowedAgents ?? null,
      requireApproval: data.permissions.requireApproval,
      timeoutMs: data.timeoutMs,
      instructions: parsed.body.trim(),
      handlerFile,
    })
  }
  return tools
}
