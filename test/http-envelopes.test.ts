import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway(undefined, { server: { maxBodyBytes: 2048 } })
  t.gateway.route({ id: 'test.echo', method: 'POST', path: '/echo' }, async (c) => c.json(await c.req.json()))
  t.gateway.route({ id: 'test.boom', method: 'GET', path: '/boom' }, () => {
    throw new Error('database password is hunter2')
  })
})
afterAll(() => t.close())

async function envelope(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return (await response.json()) as { error: { code: string; message: string } }
}

describe('error envelopes', () => {
  it('answers an unknown route with a 404 route_not_found envelope', async () => {
    const response = await t.request('/v1/nothing-here')
    expect(response.status).toBe(404)
    expect((await envelope(response)).error.code).toBe('route_not_found')
  })

  it('answers an unknown agent with a 404 agent_not_found envelope', async () => {
    const response = await t.request('/v1/agents/ghost')
    expect(response.status).toBe(404)
    expect(await envelope(response)).toEqual({
      error: { code: 'agent_not_found', message: 'Agent "ghost" not found.' },
    })
  })

  it('answers a malformed JSON body with a 400 invalid_json envelope', async () => {
    const response = await t.request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    })
    expect(response.status).toBe(400)
    expect((await envelope(response)).error.code).toBe('invalid_json')
  })

  it('answers a body over server.max_body_bytes with a 413 payload_too_large envelope', async () => {
    const response = await t.request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(5000) }),
    })
    expect(response.status).toBe(413)
    expect((await envelope(response)).error.code).toBe('payload_too_large')
  })

  it('accepts a body under the limit', async () => {
    const response = await t.request('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ a: 1 })
  })

  it('hides the message of an unexpected error behind internal_error', async () => {
    const response = await t.request('/boom')
    expect(response.status).toBe(500)
    const body = await envelope(response)
    expect(body.error.code).toBe('internal_error')
    expect(JSON.stringify(body)).not.toContain('hunter2')
  })

  it('gives every response a request id', async () => {
    const response = await t.request('/v1/health')
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/)
  })
})
