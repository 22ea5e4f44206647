import { createHmac } from 'node:crypto'

/**
 * Standard Webhooks headers (https://www.standardwebhooks.com): the message id, the attempt's
 * Unix time in seconds, and `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the
 * secret's bytes (`whsec_` + base64). Without a secret the id and time are still sent, unsigned.
 */
export function standardWebhookHeaders(
  id: string,
  timestampSeconds: number,
  body: string,
  secret: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
  }
  if (secret) {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
    const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')
    headers['webhook-signature'] = `v1,${signature}`
  }
  return headers
}

/**
 * The reference system's scheme, for receivers written for it: `X-AgentGateway-Timestamp` and
 * `X-AgentGateway-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`, keyed with the
 * secret as text. Without a secret nothing is signed (as there).
 */
export function referenceWebhookHeaders(
  timestampSeconds: number,
  body: string,
  secret: string,
): Record<string, string> {
  if (!secret) return {}
  const hex = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')
  return {
    'X-AgentGateway-Timestamp': String(timestampSeconds),
    'X-AgentGateway-Signature': `sha256=${hex}`,
  }
}
