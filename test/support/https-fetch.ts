import { request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'

/**
 * A `fetch` over node:https that trusts `ca` (a self-signed test certificate), for clients that
 * take a custom fetch (the openai client, AI SDK providers, the MCP client). Streams both ways
 * and honours the request's abort signal.
 */
export function createHttpsFetch(ca: Buffer): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init)
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
    return await new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {}
      request.headers.forEach((value, name) => {
        headers[name] = value
      })
      const outgoing = httpsRequest(
        request.url,
        { method: request.method, headers, ca, signal: request.signal },
        (incoming) => {
          const responseHeaders = new Headers()
          for (let index = 0; index < incoming.rawHeaders.length; index += 2) {
            responseHeaders.append(
              incoming.rawHeaders[index] as string,
              incoming.rawHeaders[index + 1] as string,
            )
          }
          const status = incoming.statusCode ?? 500
          const stream =
            status === 204 || status === 304 ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>)
          resolve(new Response(stream, { status, headers: responseHeaders }))
        },
      )
      outgoing.once('error', reject)
      outgoing.end(body)
    })
  }) as typeof fetch
}
