import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON bodies
  body: any
}

/**
 * One request over `node:http`, which — unlike `fetch` — lets a test set any `Host` header, as
 * any client on the network can (`curl -H 'Host: evil.example'`). The body is parsed as JSON.
 */
export function sendRaw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(url),
      { method: init.method ?? 'GET', headers: init.headers },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk) => {
          text += chunk
        })
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }),
        )
      },
    )
    request.on('error', reject)
    request.end(init.body)
  })
}
