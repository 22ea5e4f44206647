import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { type AddressPolicy, urlRefusal } from '../../core/notifications/address-policy.ts'

/** What one POST got: the status and a little of the answer, or why there was none. */
export interface PostOutcome {
  statusCode: number | null
  /** The first bytes of the answer, for Slack's `{ok, error}`. */
  responseText: string
  latencyMs: number
  /** Why the attempt failed (no answer, refused target); `null` when an answer came. */
  error: string | null
  /** The target was refused by the address policy or its form: retrying cannot help. */
  refused: boolean
}

export interface PostOptions {
  headers: Record<string, string>
  body: string
  timeoutMs: number
  policy: AddressPolicy
}

const maxResponseChars = 4096

/** Marks an error as a refusal of the target, not a network failure. */
class RefusedTarget extends Error {}

/**
 * POSTs `body` to `url` — only http(s), only to addresses the policy allows. The check runs on
 * the addresses DNS returned, inside the connection's own lookup, so the address checked is the
 * address connected to (no second resolution for a rebinding name to exploit). Redirects are not
 * followed. Never throws: every failure is an outcome.
 */
export async function postGuarded(url: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const fail = (error: string, refused: boolean): PostOutcome => ({
    statusCode: null,
    responseText: '',
    latencyMs: elapsed(),
    error,
    refused,
  })
  const formProblem = urlRefusal(url)
  if (formProblem) return fail(`refused ${url}: ${formProblem}`, true)
  const target = new URL(url)
  const hostname = target.hostname.replace(/^\[|\]$/g, '')
  if (isIP(hostname)) {
    const refusal = options.policy.refusal(hostname)
    if (refusal) return fail(`refused ${target.host}: ${refusal}`, true)
  }
  const lookup: LookupFunction = (name, lookupOptions, callback) => {
    dnsLookup(name, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      // Every address must be allowed: a name that also points inside is refused outright.
      for (const entry of addresses) {
        const refusal = options.policy.refusal(entry.address)
        if (refusal) return callback(new RefusedTarget(`${name} → ${refusal}`), '', 0)
      }
      const first = addresses[0]
      if (!first) return callback(new Error(`${name} has no address`), '', 0)
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      callback(null, first.address, first.family)
    })
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<PostOutcome>((resolve) => {
    const request = send(
      target,
      {
        method: 'POST',
        lookup,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'agentgw-notifications',
          ...options.headers,
          'content-length': String(Buffer.byteLength(options.body)),
        },
        timeout: options.timeoutMs,
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          if (text.length < maxResponseChars) text += chunk
        })
        response.on('end', () =>
          resolve({
            statusCode: response.statusCode ?? null,
            responseText: text.slice(0, maxResponseChars),
            latencyMs: elapsed(),
            error: null,
            refused: false,
          }),
        )
        response.on('error', (error) => resolve(fail(`reading the answer failed: ${error.message}`, false)))
      },
    )
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)))
    request.on('error', (error) =>
      resolve(
        error instanceof RefusedTarget
          ? fail(`refused ${target.host}: ${error.message}`, true)
          : fail(error.message || String(error), false),
      ),
    )
    request.end(options.body)
  })
}
