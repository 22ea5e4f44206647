import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { ConfigError, GatewayError, toGatewayError } from './errors.ts'

type ErrorsModule = typeof import('./errors.ts')

/** The same file evaluated again: classes as a second copy of the package would have them. */
async function loadSecondCopy(): Promise<ErrorsModule> {
  const specifier = './errors.ts?another-copy'
  return (await import(/* @vite-ignore */ specifier)) as ErrorsModule
}

describe('GatewayError.isInstance and ConfigError.isInstance', () => {
  it('recognise errors of their own class, from this copy and from another copy of the package', async () => {
    const other = await loadSecondCopy()
    expect(other.GatewayError).not.toBe(GatewayError)
    expect(GatewayError.isInstance(new GatewayError('bad_request'))).toBe(true)
    expect(GatewayError.isInstance(new other.GatewayError('bad_request'))).toBe(true)
    expect(other.GatewayError.isInstance(new GatewayError('bad_request'))).toBe(true)
    expect(ConfigError.isInstance(new other.ConfigError('broken'))).toBe(true)
  })

  it('refuse everything else, look-alikes included', () => {
    expect(GatewayError.isInstance(new ConfigError('broken'))).toBe(false)
    expect(ConfigError.isInstance(new GatewayError('bad_request'))).toBe(false)
    for (const value of [
      new Error('x'),
      { code: 'bad_request', status: 400 },
      null,
      undefined,
      'bad_request',
    ]) {
      expect(GatewayError.isInstance(value)).toBe(false)
      expect(ConfigError.isInstance(value)).toBe(false)
    }
  })
})

describe('toGatewayError', () => {
  it('passes a GatewayError through, also one from another copy of the package', async () => {
    const own = new GatewayError('agent_not_found')
    expect(toGatewayError(own)).toBe(own)
    const foreign = new (await loadSecondCopy()).GatewayError('session_busy', { message: 'Busy.' })
    expect(toGatewayError(foreign)).toBe(foreign)
  })

  it('turns a malformed JSON body into invalid_json', () => {
    let parseError: unknown
    try {
      JSON.parse('{')
    } catch (error) {
      parseError = error
    }
    expect(toGatewayError(parseError)).toMatchObject({ code: 'invalid_json', status: 400 })
  })

  it.each([
    [400, 'Malformed JSON in request body', 'invalid_json', 400],
    [413, 'Payload Too Large', 'payload_too_large', 413],
    [415, 'Unsupported Media Type', 'unsupported_media_type', 415],
    [404, 'Not Found', 'route_not_found', 404],
    [409, 'Conflict', 'bad_request', 409],
  ])("maps Hono's HTTPException %i to its code", (status, message, code, expected) => {
    const error = toGatewayError(new HTTPException(status as 400, { message }))
    expect(error).toMatchObject({ code, status: expected })
  })

  it('hides everything else behind internal_error, keeping the original only as the cause', () => {
    const secret = new Error('password=hunter2 at db.internal:5432')
    for (const thrown of [secret, new HTTPException(503, { message: 'upstream down' }), 'text', undefined]) {
      const safe = toGatewayError(thrown)
      expect(safe.toJSON()).toEqual({
        error: { code: 'internal_error', message: 'An internal error occurred.' },
      })
      expect(safe.status).toBe(500)
      expect(safe.cause).toBe(thrown)
    }
  })
})
