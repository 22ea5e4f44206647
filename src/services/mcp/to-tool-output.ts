import type { CallToolResult } from '@modelcontextprotocol/client'

type Block = CallToolResult['content'][number]

/** One content block as the model reads it: text as is, binary content described, not inlined. */
function describeBlock(block: Block): unknown {
  switch (block.type) {
    case 'text':
      return block.text
    case 'image':
    case 'audio':
      return { type: block.type, mime_type: block.mimeType, note: 'binary content is not shown to the model' }
    case 'resource': {
      const resource = block.resource
      return 'text' in resource
        ? { type: 'resource', uri: resource.uri, text: resource.text }
        : { type: 'resource', uri: resource.uri, mime_type: resource.mimeType }
    }
    case 'resource_link':
      return { type: 'resource_link', uri: block.uri, name: block.name }
    default:
      return block
  }
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((block) => (block.type === 'text' ? block.text : JSON.stringify(describeBlock(block))))
    .join('\n')
}

/** An MCP tool that answered `isError: true`; its text is the message the model reads. */
export class McpToolError extends Error {}

/**
 * Maps an MCP tool result to what the engine hands the model: structured content when the tool
 * returned it, else the text (several text blocks joined by newlines), else a list of described
 * blocks. A result flagged `isError` throws, so the engine records it as an error result.
 */
export function toToolOutput(result: CallToolResult): unknown {
  if (result.isError) throw new McpToolError(textOf(result) || 'the MCP tool reported an error')
  if (result.structuredContent !== undefined) return result.structuredContent
  const blocks = result.content
  if (blocks.every((block) => block.type === 'text')) return blocks.map((block) => block.text).join('\n')
  return blocks.map(describeBlock)
}
