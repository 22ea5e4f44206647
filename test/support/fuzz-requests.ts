import type { RouteEntry } from '../../src/http/route-table.ts'

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
export function createRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    chance: (p: number) => next() < p,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)] as T
    },
  }
}

export type Random = ReturnType<typeof createRandom>

/** One request as it goes on the wire (node:http lets the path and method be anything). */
export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
  /** The route it was derived from, if any. */
  route?: RouteEntry
}

/** Text a careless or hostile client sends where an id or a word is expected. */
const hostileText = [
  '',
  ' ',
  'x',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  '😀',
  'ü',
  '../../etc/passwd',
  '..',
  '%',
  '%zz',
  '%00',
  '%ED%A0%80',
  '%2F%2Fevil.example',
  '/\\evil.example',
  '//evil.example',
  'https://evil.example/',
  '<script>alert(1)</script>',
  '" onmouseover="alert(1)',
  "' OR '1'='1",
  '${7*7}',
  '{{7*7}}',
  'null',
  'undefined',
  '-1',
  '0',
  '1e309',
  'NaN',
  'exec_00000000000000000000000000000000',
  'x'.repeat(300),
  'x'.repeat(5000),
  '\r\nX-Injected: 1',
]

/** Percent-encodes text for a path or query, leaving deliberate `%` sequences alone sometimes. */
function encode(random: Random, text: string): string {
  if (random.chance(0.3) && /^[\x21-\x7e]*$/.test(text))
    return text.replaceAll('#', '%23').replaceAll('?', '%3F')
  try {
    return encodeURIComponent(text)
  } catch {
    // A lone surrogate has no UTF-8 form: send its (invalid) bytes encoded.
    return '%ED%A0%80'
  }
}

function hostileValue(random: Random, known: readonly string[]): string {
  return random.chance(0.35) && known.length > 0 ? random.pick(known) : random.pick(hostileText)
}

/** A JSON value of the given depth budget, with hostile strings, numbers and shapes. */
function jsonValue(random: Random, depth: number): unknown {
  const kind = random.int(depth > 0 ? 9 : 6)
  switch (kind) {
    case 0:
      return random.pick(hostileText)
    case 1:
      return random.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, 3000])
    case 2:
      return random.chance(0.5)
    case 3:
      return null
    case 4:
      return random.pick(['hello', 'Lisbon', 'Outlook please', 'How do I cancel?'])
    case 5:
      return 'y'.repeat(random.int(2000))
    case 6:
    case 7:
      return Object.fromEntries(
        Array.from({ length: random.int(4) }, () => [random.pick(hostileText), jsonValue(random, depth - 1)]),
      )
    default:
      return Array.from({ length: random.int(4) }, () => jsonValue(random, depth - 1))
  }
}

/** Invoke/chat-shaped bodies, mostly close to valid so they get past validation. */
function runBody(random: Random, known: readonly string[]): unknown {
  const body: Record<string, unknown> = {}
  if (random.chance(0.9)) body.message = random.chance(0.6) ? 'Outlook please' : jsonValue(random, 1)
  if (random.chance(0.4))
    body.input = random.chance(0.6) ? { city: random.pick(hostileText) } : jsonValue(random, 3)
  if (random.chance(0.3)) body.session_id = hostileValue(random, known)
  if (random.chance(0.5)) {
    body.options = random.chance(0.7)
      ? {
          ...(random.chance(0.5) ? { stream: random.chance(0.5) } : {}),
          ...(random.chance(0.4) ? { async: random.chance(0.5) } : {}),
          ...(random.chance(0.2) ? { timeout_ms: random.pick([0, 1000, 5000, 10 ** 9, -5]) } : {}),
          ...(random.chance(0.2) ? { output_schema: jsonValue(random, 2) } : {}),
        }
      : jsonValue(random, 2)
  }
  if (random.chance(0.1)) body[random.pick(hostileText)] = jsonValue(random, 1)
  return body
}

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`

function body(random: Random, known: readonly string[]): { body?: string | Buffer; type?: string } {
  switch (random.int(12)) {
    case 0:
      return {}
    case 1:
      return { body: '{"message": "unterminated', type: 'application/json' }
    case 2:
      return {
        body: `{"message":"hi","input":{"deep":${nested(2000 + random.int(4000))}}}`,
        type: 'application/json',
      }
    case 3:
      return { body: JSON.stringify(runBody(random, known)), type: 'text/plain' }
    case 4:
      return {
        body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n',
        type: 'multipart/form-data; boundary=xyz',
      }
    case 5:
      return { body: 'message=hi&a=%00&b=%ED%A0%80&c', type: 'application/x-www-form-urlencoded' }
    case 6:
      return { body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), type: 'application/json' }
    case 7:
      return { body: JSON.stringify(jsonValue(random, 4)), type: 'application/json' }
    case 8:
      return {
        body: '{"message":"\\u0000","input":{"a":"\\ud800"}}',
        type: 'application/json; charset=utf-8',
      }
    default:
      return {
        body: JSON.stringify(runBody(random, known)),
        type: random.pick(['application/json', 'application/vnd.api+json']),
      }
  }
}

function fillPath(random: Random, path: string, known: readonly string[]): string {
  return path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? encode(random, hostileValue(random, known)) : segment))
    .join('/')
    .replace(/\/\*$/, `/${encode(random, hostileValue(random, known))}`)
}

const queryKeys = [
  'status',
  'agent_id',
  'session_id',
  'cursor',
  'limit',
  'before',
  'after',
  'days',
  'next',
  'from',
  'to',
  'min_cost',
  'max_cost',
  'x',
]
const otherMethods = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'GET', 'POST']

/**
 * A random request against the gateway at `prefix`: mostly a known route with hostile path
 * parameters, query and body; sometimes another method, an unknown path, broken headers.
 * `known` holds real ids (agents, executions, sessions) so some requests reach deep code.
 */
export function fuzzRequest(
  random: Random,
  routes: readonly RouteEntry[],
  prefix: string,
  known: readonly string[],
  authorization: Record<string, string>,
): FuzzRequest {
  const route = random.chance(0.9) ? random.pick(routes) : undefined
  const method = route && random.chance(0.85) ? route.method : random.pick(otherMethods)
  let path = route
    ? fillPath(random, route.path, known)
    : `/${encode(random, random.pick(hostileText))}/v1/agents`
  if (random.chance(0.4)) {
    const query = Array.from(
      { length: 1 + random.int(3) },
      () =>
        `${encode(random, random.chance(0.8) ? random.pick(queryKeys) : random.pick(hostileText))}=${encode(random, hostileValue(random, known))}`,
    )
    path += `?${query.join('&')}`
  }
  const headers: Record<string, string> = random.chance(0.85) ? { ...authorization } : {}
  if (random.chance(0.1)) headers.authorization = `Bearer ${random.pick(['', 'x', 'sk-not-a-key', 'a.b.c'])}`
  if (random.chance(0.25)) headers.accept = 'text/event-stream'
  if (random.chance(0.1)) headers['last-event-id'] = random.pick(['-1', 'abc', '99999999999999999999', '3'])
  if (random.chance(0.1)) headers['x-forwarded-host'] = 'evil.example'
  if (random.chance(0.1)) headers['x-forwarded-prefix'] = random.pick(['/\\evil.example', '//evil', '/ok'])
  if (random.chance(0.1)) headers['hx-request'] = 'true'
  if (random.chance(0.05))
    headers['hx-current-url'] = random.pick(hostileText.filter((text) => /^[\x20-\x7e]*$/.test(text)))
  if (random.chance(0.05)) headers['x-request-id'] = random.pick(['ok-id', 'x'.repeat(400), '<bad>'])
  if (random.chance(0.1)) headers.cookie = random.pick(['agw_session=garbage', 'agw_session=a.b', 'x=%ff'])
  const payload = method === 'GET' || method === 'HEAD' ? {} : body(random, known)
  if (payload.type) headers['content-type'] = payload.type
  return {
    method,
    path: `${prefix}${path}`,
    headers,
    ...(payload.body !== undefined ? { body: payload.body } : {}),
    ...(route ? { route } : {}),
  }
}
