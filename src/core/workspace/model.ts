import type { AgentMemorySettings } from '../config/memory-settings.ts'
import type { ConfigIssue } from '../errors.ts'
import type { ScheduleDefinition, WorkflowStep } from './schemas.ts'
import type { JsonSchema } from './tool-parameters.ts'

/** A problem found while loading a workspace. Errors make the item unusable; warnings don't. */
export interface Diagnostic extends ConfigIssue {
  /** `error`: the item was left out; `warning`: it runs, but something needs attention. */
  severity: 'error' | 'warning'
  /** What the problem is about, when it is about one agent, skill or tool. */
  subject?: { kind: 'agent' | 'skill' | 'tool' | 'workspace'; id: string } | undefined
}

export interface AgentModelSettings {
  name?: string | undefined
  temperature?: number | undefined
  maxTokens?: number | undefined
  fallback?: string | undefined
}

export interface ContextFile {
  /** Path relative to the workspace root. */
  path: string
  content: string
}

export interface AgentDefinition {
  id: string
  /** `AGENT.md`, relative to the workspace root. */
  file: string
  description: string
  displayName: string | null
  tags: string[]
  version: string | null
  enabled: boolean
  skills: string[]
  /** Tools listed on the agent itself; it also gets the tools of its skills. */
  tools: string[]
  model: AgentModelSettings
  executionMode: 'sync' | 'async'
  schedules: ScheduleDefinition[]
  notifications: {
    onComplete: NotificationTargetDefinition[]
    onError: NotificationTargetDefinition[]
    onTimeout: NotificationTargetDefinition[]
    onApproval: NotificationTargetDefinition[]
  }
  inputSchema: JsonSchema | null
  outputSchema: JsonSchema | null
  scope: 'global' | 'personal'
  setupSchema: JsonSchema | null
  delegatesTo: string[]
  /**
   * This agent's own approval policy: `true` makes every tool call wait for a human's decision,
   * a list only the calls of those tools — on top of tools that require approval themselves.
   */
  requireApproval: boolean | string[]
  retrievers: string[]
  memory: AgentMemorySettings
  mcpServers: string[]
  guardrails: {
    maxToolCalls?: number | undefined
    maxIterations?: number | undefined
    timeoutMs?: number | undefined
  }
  /** The AGENT.md body. */
  prompt: string
  /** The agent's own `BEHAVIOR.md`, if any. */
  behavior: string | null
  /** `context/*.md` (alphabetical) then frontmatter `context` files. */
  contextFiles: ContextFile[]
}

export interface NotificationTargetDefinition {
  channel: 'slack' | 'webhook'
  target?: string | undefined
  url?: string | undefined
  template?: string | undefined
  payloadTemplate?: string | undefined
  /** Where the target is written in its AGENT.md, for diagnostics. */
  line?: number | undefined
}

export interface SkillDefinition {
  id: string
  file: string
  name: string
  description: string
  tools: string[]
  steps: WorkflowStep[] | null
  /** The SKILL.md body. */
  instructions: string
}

/**
 * What a retried run does with a call of a non-idempotent tool that its crashed attempt started
 * but did not finish: tell the model it may or may not have taken effect (`tell_model`), or fail
 * the run with `tool_interrupted` (`fail`).
 */
export type InterruptedToolPolicy = 'tell_model' | 'fail'

export interface ToolDefinition {
  id: string
  file: string
  name: string
  description: string
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema
  allowedAgents: string[] | null
  requireApproval: boolean
  timeoutMs: number | undefined
  /** Safe to run again with the same arguments (`idempotent` in TOOL.md). */
  idempotent: boolean
  /** See `RegisteredTool.onInterrupted`. */
  onInterrupted: InterruptedToolPolicy
  /** The TOOL.md body. */
  instructions: string
  /** Handler module, relative to the workspace root, if one exists. */
  handlerFile: string | null
}

/** Everything read from a workspace folder. Loading never throws; problems are diagnostics. */
export interface WorkspaceDefinition {
  /** Absolute, symlink-free path of the workspace. */
  root: string
  /** Shared `AGENTS.md` prompt, prepended to every agent. */
  sharedPrompt: string | null
  /** Shared `BEHAVIOR.md`, after `AGENTS.md`. */
  sharedBehavior: string | null
  agents: AgentDefinition[]
  skills: SkillDefinition[]
  tools: ToolDefinition[]
  diagnostics: Diagnostic[]
}
