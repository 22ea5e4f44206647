import { createParser, type EventSourceMessage } from 'eventsource-parser'

export interface ParsedEvent {
  id: string | undefined
  event: string
  data: unknown
}

/**
 * Reads a whole event stream with a real SSE parser (eventsource-parser), returning the events
 * and the comments it saw. `onEvent` may return `false` to stop reading early.
 */
export async function readSse(
  response: Response,
  onEvent?: (event: ParsedEvent) => unknown,
): Promise<{ events: ParsedEvent[]; comments: string[] }> {
  const events: ParsedEvent[] = []
  const comments: string[] = []
  let stop = false
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event = {
        id: message.id,
        event: message.event ?? 'message',
        data: JSON.parse(message.data) as unknown,
      }
      events.push(event)
      if (onEvent?.(event) === false) stop = true
    },
    onComment(comment) {
      comments.push(comment.trim())
    },
  })
  if (!response.body) return { events, comments }
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  while (!stop) {
    const { done, value } = await reader.read()
    if (done) break
    parser.feed(decoder.decode(value, { stream: true }))
  }
  if (stop) await reader.cancel()
  return { events, comments }
}
