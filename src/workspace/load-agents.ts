import type { AgentDefinition, ContextFile, Diagnostic } from '../core/workspace/model.ts'
import { type AgentFrontmatter, agentFrontmatterSchema } from '../core/workspace/schemas.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { type ItemDocument, readItemDocuments, readItemFile } from './list-item-dirs.ts'
import { reportLegacyAgentFiles } from './report-legacy-files.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

export async function loadAgents(
  files: WorkspaceFiles,
  validator: JsonSchemaValidator,
  diagnostics: Diagnostic[],
): Promise<AgentDefinition[]> {
  const agents: AgentDefinition[] = []
  for (const document of await readItemDocuments(
    files,
    'agents',
    'AGENT.md',
    agentFrontmatterSchema,
    diagnostics,
  )) {
    const agent = await loadAgent(files, document, validator, diagnostics)
    if (agent) agents.push(agent)
  }
  return agents
}

/** Notification targets with the line each is written on, so later checks can point at it. */
function withLines(
  document: ItemDocument<AgentFrontmatter>,
  list: string,
  targets: AgentFrontmatter['notifications']['onComplete'],
): AgentDefinition['notifications']['onComplete'] {
  return targets.map((target, index) => {
    const line = document.lineOf(['notifications', list, index])
    return line === undefined ? target : { ...target, line }
  })
}

async function loadAgent(
  files: WorkspaceFiles,
  document: ItemDocument<AgentFrontmatter>,
  validator: JsonSchemaValidator,
  diagnostics: Diagnostic[],
): Promise<AgentDefinition | undefined> {
  const { id, folder, file, subject, data } = document
  const prompt = document.body.trim()
  if (prompt === '') {
    diagnostics.push({
      severity: 'error',
      file,
      subject,
      message: 'the prompt (the body after the frontmatter) is empty',
    })
    return undefined
  }
  await reportLegacyAgentFiles(files, folder, subject, diagnostics)
  let schemasValid = true
  for (const [key, schema] of [
    ['input_schema', data.inputSchema],
    ['output_schema', data.outputSchema],
    ['setup_schema', data.setupSchema],
  ] as const) {
    if (!schema) continue
    const problem = validator.check(schema)
    if (problem) {
      diagnostics.push({
        severity: 'error',
        file,
        subject,
        keyPath: key,
        message: `not a valid JSON Schema: ${problem}`,
      })
      schemasValid = false
    }
  }
  if (!schemasValid) return undefined

  const behavior = await readItemFile(files, `${folder}/BEHAVIOR.md`, diagnostics, subject)
  const contextFiles: ContextFile[] = []
  for (const entry of await files.listEntries(`${folder}/context`)) {
    if (entry.name.startsWith('.') || !entry.name.endsWith('.md')) continue
    if (entry.kind === 'symlink') {
      diagnostics.push({
        severity: 'warning',
        file: entry.relative,
        subject,
        message: 'symlinks are not followed; skipped',
      })
      continue
    }
    if (entry.kind !== 'file') continue
    const content = await readItemFile(files, entry.relative, diagnostics, subject)
    if (content !== undefined) contextFiles.push({ path: entry.relative, content })
  }
  for (const reference of data.context) {
    const safe = await files.resolve(reference)
    if (!safe.ok) {
      diagnostics.push({
        severity: 'error',
        file,
        subject,
        keyPath: 'context',
        message: `"${reference}": ${safe.reason}`,
      })
      continue
    }
    const content = await readItemFile(files, safe.relative, diagnostics, subject)
    if (content === undefined) {
      diagnostics.push({
        severity: 'warning',
        file,
        subject,
        keyPath: 'context',
        message: `"${reference}" does not exist`,
      })
    } else {
      contextFiles.push({ path: safe.relative, content })
    }
  }

  const model = typeof data.model === 'string' ? { name: data.model } : (data.model ?? {})
  return {
    id,
    file,
    description: data.description,
    displayName: data.displayName,
    tags: data.tags,
    version: data.version,
    enabled: data.enabled,
    skills: data.skills,
    tools: data.tools,
    model,
    executionMode: data.executionMode,
    schedules: data.schedules,
    notifications: {
      onComplete: withLines(document, 'on_complete', data.notifications.onComplete),
      onError: withLines(document, 'on_error', data.notifications.onError),
      onTimeout: withLines(document, 'on_timeout', data.notifications.onTimeout),
      onApproval: withLines(document, 'on_approval', data.notifications.onApproval),
    },
    inputSchema: data.inputSchema,
    outputSchema: data.outputSchema,
    scope: data.scope,
    setupSchema: data.setupSchema,
    delegatesTo: data.delegatesTo,
    requireApproval: data.requireApproval,
    retrievers: data.retrievers,
    memory: data.memory,
    mcpServers: data.mcpServers,
    guardrails: data.guardrails,
    prompt,
    behavior: behavior?.trim() || null,
    contextFiles,
  }
}
