import { Hono } from 'hono'
import type { RecordedReply } from '../protocol.ts'

const encoder = new TextEncoder()

/** The same headers the gateway puts on an event stream. */
const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Replays recorded frames with the framing the gateway uses, pausing before tokens like the mock model. */
function replayFrames(reply: RecordedReply, signal: AbortSignal): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const frame of reply.frames) {
        if (signal.aborted) return
        if (frame.event === 'token' && reply.delayMs > 0) await sleep(reply.delayMs)
        controller.enqueue(encoder.encode(`id: ${frame.id}\nevent: ${frame.event}\ndata: ${frame.data}\n\n`))
      }
      controller.close()
    },
  })
}

/**
 * The baseline: a bare Hono app with the invoke route only, answering with the gateway's own
 * recorded reply — the JSON body (serialized per request, as any handler would) or the same SSE
 * frames. It parses the request body like the gateway does, and does nothing else.
 */
export function createBaselineApp(replies: Record<string, RecordedReply>): Hono {
  const app = new Hono()
  app.post('/v1/agents/:agent_id/invoke', async (c) => {
    const reply = replies[c.req.param('agent_id')]
    if (!reply) return c.json({ error: { code: 'agent_not_found', message: 'no such agent' } }, 404)
    const body = await c.req.json<{ options?: { stream?: boolean } }>()
    if (body.options?.stream !== true) return c.json(reply.json as object)
    return new Response(replayFrames(reply, c.req.raw.signal), { headers: sseHeaders })
  })
  return app
}
