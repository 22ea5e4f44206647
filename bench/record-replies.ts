import type { RecordedFrame, RecordedReply } from './protocol.ts'

/** The request body every target gets: same message, so the same reply. */
export function invokeBody(stream: boolean): string {
  return JSON.stringify(stream ? { message: 'Hello', options: { stream: true } } : { message: 'Hello' })
}

/** Splits an event-stream body into its frames (comments dropped). */
export function parseFrames(text: string): RecordedFrame[] {
  const frames: RecordedFrame[] = []
  for (const block of text.split('\n\n')) {
    if (block === '' || block.startsWith(':')) continue
    const field = (name: string) =>
      block
        .split('\n')
        .find((line) => line.startsWith(`${name}: `))
        ?.slice(name.length + 2) ?? ''
    frames.push({ id: field('id'), event: field('event'), data: field('data') })
  }
  return frames
}

async function post(url: string, body: string): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`)
  return response
}

/**
 * Records what the gateway answers for each agent — the JSON body and the streamed frames — so
 * the baseline can send exactly the same payloads.
 */
export async function recordReplies(
  invokeUrl: (agentId: string) => string,
  agents: Record<string, number>,
): Promise<Record<string, RecordedReply>> {
  const replies: Record<string, RecordedReply> = {}
  for (const [agentId, delayMs] of Object.entries(agents)) {
    const json = (await (await post(invokeUrl(agentId), invokeBody(false))).json()) as unknown
    const frames = parseFrames(await (await post(invokeUrl(agentId), invokeBody(true))).text())
    if (frames.at(-1)?.event !== 'done') throw new Error(`the ${agentId} stream did not end with done`)
    replies[agentId] = { json, frames, delayMs }
  }
  return replies
}
