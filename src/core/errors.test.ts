import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { GatewayError, toGatewayError } from './errors.ts'

describe('toGatewayError', () => {
  it('passes gateway errors through', () => {
    const error = new GatewayError('agent_not_found')
    expect(toGatewayError(error)).toBe(error)
  })

  it("maps Hono's HTTPException by status, whatever its name", () => {
    expect(toGatewayError(new HTTPException(400, { message: 'Malformed JSON in request body' })).code).toBe(
      'invalid_json',
    )
    expect(toGatewayError(new HTTPException(415, { message: 'Unsupported Media Type' })).code).toBe(
      'unsupported_media_type',
    )
    expect(toGatewayError(new HTTPException(413)).code).toBe('payload_too_large')
    expect(toGatewayError(new HTTPException(409)).status).toBe(409)
  })

  it('hides everything else behind internal_error, keeping the cause for the log', () => {
    const cause = new Error('password=hunter2 leaked in a driver message')
    const safe = toGatewayError(cause)
    expect(safe).toMatchObject({
      code: 'internal_error',
      status: 500,
      message: 'An internal error occurred.',
    })
    expect(safe.cause).toBe(cause)
    expect(JSON.stringify(safe.toJSON())).not.toContain('hunter2')
  })
})
