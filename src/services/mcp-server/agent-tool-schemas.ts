import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { JsonSchema } from '../../core/workspace/tool-parameters.ts'
import type { JsonSchemaValidator } from '../../json-schema/create-json-schema-validator.ts'

/** The arguments of an agent without an `input_schema`: the message it answers. */
export const messageArguments: JsonSchema = {
  type: 'object',
  properties: { message: { type: 'string', minLength: 1, description: 'What to ask the agent.' } },
  required: ['message'],
  additionalProperties: false,
}

/**
 * A JSON Schema as the MCP SDK takes tool schemas (Standard Schema with a JSON Schema face):
 * advertised as is in `tools/list`, and checked with the gateway's own validator (draft
 * 2020-12, the same one the REST API uses), so a bad argument is refused the same way.
 */
export function toStandardSchema(schema: JsonSchema, validator: JsonSchemaValidator): StandardSchemaWithJSON {
  const validate = validator.compile(schema)
  return {
    '~standard': {
      version: 1,
      vendor: 'agentgw',
      validate: (value: unknown) => {
        const details = validate(value)
        if (details.length === 0) return { value }
        return {
          issues: details.map((detail) => ({
            message: `${detail.path} ${detail.message}`,
            path: detail.path.split('/').filter(Boolean),
          })),
        }
      },
      jsonSchema: {
        input: () => schema as Record<string, unknown>,
        output: () => schema as Record<string, unknown>,
      },
    },
  } as StandardSchemaWithJSON
}

/** The tool's arguments schema: the agent's `input_schema`, or `{message}`. */
export function agentArgumentsSchema(agent: AgentDefinition): JsonSchema {
  return agent.inputSchema ?? messageArguments
}

/**
 * The agent's `output_schema` when MCP can advertise it: tool output schemas describe
 * `structuredContent`, which is always a JSON object.
 */
export function agentResultSchema(agent: AgentDefinition): JsonSchema | undefined {
  const schema = agent.outputSchema
  return schema && (schema as { type?: unknown }).type === 'object' ? schema : undefined
}
