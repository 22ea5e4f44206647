import { type GatewayConfig, webhookSignature } from '../../core/config/schema.ts'
import type { AddressPolicy } from '../../core/notifications/address-policy.ts'
import type { DeliveryRecord } from '../../core/ports/delivery-log.ts'
import { postGuarded } from './post-guarded.ts'
import { referenceWebhookHeaders, standardWebhookHeaders } from './sign-webhook.ts'

/** How one attempt went. */
export interface SendOutcome {
  ok: boolean
  statusCode: number | null
  latencyMs: number
  error: string | null
  /** Retrying cannot help (the target was refused). */
  refused: boolean
}

export interface SendContext {
  config: GatewayConfig['notifications']
  policy: AddressPolicy
  now: number
}

/**
 * Makes one attempt of a delivery: a signed webhook POST or a Slack `chat.postMessage`. The
 * endpoint's URL and secret are read from the configuration now, so secrets are never stored
 * with the delivery and a rotated secret applies to the next attempt.
 */
export async function sendDelivery(delivery: DeliveryRecord, context: SendContext): Promise<SendOutcome> {
  const { config, policy } = context
  const timestamp = Math.floor(context.now / 1000)
  if (delivery.channel === 'slack') {
    const outcome = await postGuarded(`${config.slack.apiUrl.replace(/\/+$/, '')}/chat.postMessage`, {
      headers: {
        authorization: `Bearer ${config.slack.botToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: delivery.body,
      timeoutMs: config.timeoutMs,
      policy,
    })
    if (outcome.error) return { ...outcome, ok: false }
    // Slack answers 200 with `{ok: false, error}` for most failures.
    let answer: { ok?: unknown; error?: unknown } = {}
    try {
      answer = JSON.parse(outcome.responseText) as typeof answer
    } catch {
      answer = {}
    }
    const ok = outcome.statusCode === 200 && answer.ok === true
    return {
      ok,
      statusCode: outcome.statusCode,
      latencyMs: outcome.latencyMs,
      error: ok
        ? null
        : `Slack answered ${outcome.statusCode}: ${typeof answer.error === 'string' ? answer.error : 'not ok'}`,
      refused: false,
    }
  }
  const endpoint = config.webhooks.find((webhook) => webhook.name === delivery.target)
  const url = endpoint?.url ?? (delivery.target.includes(':') ? delivery.target : undefined)
  if (!url) {
    return {
      ok: false,
      statusCode: null,
      latencyMs: 0,
      error: `webhook "${delivery.target}" is no longer in notifications.webhooks`,
      refused: true,
    }
  }
  const secret = endpoint?.secret || config.webhookSecret
  const scheme = webhookSignature(endpoint?.signature, secret)
  const headers = {
    ...(scheme !== 'reference' ? standardWebhookHeaders(delivery.id, timestamp, delivery.body, secret) : {}),
    ...(scheme !== 'standard' ? referenceWebhookHeaders(timestamp, delivery.body, secret) : {}),
  }
  const outcome = await postGuarded(url, {
    headers,
    body: delivery.body,
    timeoutMs: config.timeoutMs,
    policy,
  })
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300
  return {
    ok,
    statusCode: outcome.statusCode,
    latencyMs: outcome.latencyMs,
    error: outcome.error ?? (ok ? null : `the receiver answered HTTP ${outcome.statusCode}`),
    refused: outcome.refused,
  }
}
