/*
 * The workspace `agentgw init` writes: one agent that uses one skill, whose tool is a plain
 * file tool (TOOL.md + handler.mjs), and a commented gateway.yaml. It runs offline on the
 * built-in mock model until AGW_MODEL names a real one.
 */

/** Relative path → content of every file `agentgw init` creates. */
export const initFiles: Readonly<Record<string, string>> = {
  'gateway.yaml': `# agentgw configuration — see docs/configuration.md for every key.
# Any value can be overridden with AGW_<SECTION>__<KEY>, e.g. AGW_SERVER__PORT=9000,
# and \${VAR:-default} reads an environment variable.

server:
  # The port \`agentgw serve\` listens on.
  port: \${PORT:-8000}

model:
  # The built-in offline \`mock\` model, until AGW_MODEL names a real one, e.g.
  # AGW_MODEL=openai:gpt-4o-mini (with OPENAI_API_KEY set).
  default: \${AGW_MODEL:-mock:assistant}
  providers:
    openai:
      api_key: \${OPENAI_API_KEY:-}
    anthropic:
      api_key: \${ANTHROPIC_API_KEY:-}

guardrails:
  # Model↔tool round trips per run, and the time limit of one run.
  max_iterations: 8
  timeout_ms: 60000

auth:
  # An open API is for your own machine only. Before exposing the gateway switch to api_key
  # or oauth2 (docs/security.md).
  mode: none

dashboard:
  enabled: true
  auth:
    # An open dashboard makes every visitor an administrator: local use only.
    enabled: false
`,
  'agents/assistant/AGENT.md': `---
description: A friendly assistant that can tell the time in any time zone.
skills: [time-lookup]
---
You are a concise, friendly assistant. When someone asks about the time somewhere, call
\`current-time\` with the IANA time zone and answer in one sentence.
`,
  'skills/time-lookup/SKILL.md': `---
description: Looks up the current time in a time zone.
tools: [current-time]
---
Use IANA time zone names such as Europe/Lisbon or America/New_York.
`,
  'tools/current-time/TOOL.md': `---
description: The current date and time in a time zone.
parameters:
  time_zone:
    type: string
    description: IANA time zone, e.g. Europe/Lisbon
    default: UTC
---
Returns the local time as an ISO-like string and the zone it used.
`,
  'tools/current-time/handler.mjs': `// A file tool: agentgw calls handle() with the validated arguments; the return value is the
// tool result the model sees.
export function handle({ time_zone = 'UTC' }) {
  const now = new Date()
  const local = now.toLocaleString('sv-SE', { timeZone: time_zone })
  return { time_zone, local_time: local, utc: now.toISOString() }
}
`,
}
