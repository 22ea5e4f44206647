import type { Diagnostic, WorkspaceDefinition } from '../core/workspace/model.ts'
import {
  createJsonSchemaValidator,
  type JsonSchemaValidator,
} from '../json-schema/create-json-schema-validator.ts'
import { loadAgents } from './load-agents.ts'
import { loadSkills } from './load-skills.ts'
import { loadTools } from './load-tools.ts'
import { openWorkspaceFiles, type WorkspaceFiles } from './workspace-files.ts'

export interface LoadWorkspaceOptions {
  validator?: JsonSchemaValidator
  /** Names of tools registered in code, so skills may reference them without a warning. */
  codeToolNames?: readonly string[]
}

async function readOne(
  files: WorkspaceFiles,
  name: string,
  diagnostics: Diagnostic[],
): Promise<string | null> {
  const result = await files.read(name)
  if (result === undefined) return null
  if ('error' in result) {
    diagnostics.push({ severity: 'error', file: name, message: `cannot be read: ${result.error}` })
    return null
  }
  return result.text.trim() || null
}

/**
 * Reads a shared prompt file (`AGENTS.md`, `BEHAVIOR.md`) from the workspace root or from
 * `agents/`, where agents-gateway workspaces keep them. With both, both are used, root first.
 */
async function readShared(
  files: WorkspaceFiles,
  name: string,
  diagnostics: Diagnostic[],
): Promise<string | null> {
  const atRoot = await readOne(files, name, diagnostics)
  const inAgents = await readOne(files, `agents/${name}`, diagnostics)
  if (atRoot !== null && inAgents !== null) {
    diagnostics.push({
      severity: 'warning',
      file: `agents/${name}`,
      message: `${name} exists at the workspace root and in agents/; both are used (root first): keep one`,
    })
  }
  const parts = [atRoot, inAgents].filter((part): part is string => part !== null)
  return parts.length > 0 ? parts.join('\n\n') : null
}

/**
 * Reads a workspace folder into definitions. Never throws for content problems: every problem
 * is a diagnostic with its file (and line when known). Items with errors are left out; broken
 * cross-references are warnings.
 */
export async function loadWorkspace(
  root: string,
  options: LoadWorkspaceOptions = {},
): Promise<WorkspaceDefinition> {
  const diagnostics: Diagnostic[] = []
  const validator = options.validator ?? createJsonSchemaValidator()
  let files: WorkspaceFiles
  try {
    files = await openWorkspaceFiles(root)
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'ENOENT' ? 'does not exist' : (error as Error).message
    return {
      root,
      sharedPrompt: null,
      sharedBehavior: null,
      agents: [],
      skills: [],
      tools: [],
      diagnostics: [
        {
          severity: 'error',
          file: root,
          subject: { kind: 'workspace', id: root },
          message: `workspace folder ${reason}`,
        },
      ],
    }
  }

  const sharedPrompt = await readShared(files, 'AGENTS.md', diagnostics)
  const sharedBehavior = await readShared(files, 'BEHAVIOR.md', diagnostics)
  if ((await files.listEntries('agents')).length === 0) {
    diagnostics.push({
      severity: 'warning',
      file: 'agents',
      message: 'no agents/ folder or it is empty: nothing to serve',
    })
  }

  const agents = await loadAgents(files, validator, diagnostics)
  const skills = await loadSkills(files, diagnostics)
  const tools = await loadTools(files, validator, diagnostics)

  const codeTools = new Set(options.codeToolNames ?? [])
  const toolNames = new Set<string>()
  for (const tool of tools) {
    if (toolNames.has(tool.name)) {
      diagnostics.push({
        severity: 'error',
        file: tool.file,
        subject: { kind: 'tool', id: tool.id },
        message: `another tool is already named "${tool.name}"`,
      })
    }
    toolNames.add(tool.name)
    if (!tool.handlerFile && !codeTools.has(tool.name)) {
      diagnostics.push({
        severity: 'error',
        file: tool.file,
        subject: { kind: 'tool', id: tool.id },
        message:
          'no handler: add handler.ts, handler.mjs or handler.js exporting handle(args, context), or handler.py defining handle(arguments, context), or register the tool in code',
      })
    }
  }
  const skillIds = new Set(skills.map((skill) => skill.id))
  for (const skill of skills) {
    for (const tool of skill.tools) {
      if (!toolNames.has(tool) && !codeTools.has(tool)) {
        diagnostics.push({
          severity: 'warning',
          file: skill.file,
          subject: { kind: 'skill', id: skill.id },
          message: `unknown tool "${tool}"`,
        })
      }
    }
  }
  for (const agent of agents) {
    for (const tool of agent.tools) {
      if (!toolNames.has(tool) && !codeTools.has(tool)) {
        diagnostics.push({
          severity: 'warning',
          file: agent.file,
          subject: { kind: 'agent', id: agent.id },
          keyPath: 'tools',
          message: `unknown tool "${tool}"`,
        })
      }
    }
    for (const skill of agent.skills) {
      if (!skillIds.has(skill)) {
        diagnostics.push({
          severity: 'warning',
          file: agent.file,
          subject: { kind: 'agent', id: agent.id },
          message: `unknown skill "${skill}"`,
        })
      }
    }
  }

  const usableTools = tools.filter((tool) => tool.handlerFile !== null || codeTools.has(tool.name))
  return { root: files.root, sharedPrompt, sharedBehavior, agents, skills, tools: usableTools, diagnostics }
}
