import { metrics } from '@opentelemetry/api'
import { instrumentationName } from '../../engine/telemetry/with-span.ts'

/*
 * The gateway's metrics, through `@opentelemetry/api` only. The instruments come from the
 * global meter provider when this is created (at gateway start): without an SDK registered by
 * then, every record is the API's no-op.
 *
 * Names: `gen_ai.client.token.usage` follows the OpenTelemetry GenAI semantic conventions; the
 * rest are the gateway's own, under `agentgw.`.
 */

/** What the gateway counts and measures. */
export interface GatewayMetrics {
  /** An execution ended (or paused for approval) with this status. */
  execution(agentId: string, status: string): void
  /** One model call with its tokens and cost (USD). */
  modelCall(call: {
    agentId: string
    model: string
    inputTokens: number
    outputTokens: number
    costUsd: number
    error: boolean
  }): void
  /** One tool call and whether it returned an error. */
  toolCall(agentId: string, tool: string, error: boolean): void
  /** A queue worker finished handling a job (seconds), `ok` or `error`. */
  jobDuration(seconds: number, outcome: 'ok' | 'error'): void
  /**
   * Reports `size()` as the `agentgw.queue.depth` gauge at each collection. Returns the function
   * that stops reporting it.
   */
  observeQueueDepth(size: () => Promise<number>, backend: string): () => void
}

/** Creates the instruments on the global meter provider's `agentgw` meter. */
export function createGatewayMetrics(): GatewayMetrics {
  const meter = metrics.getMeter(instrumentationName)
  const executions = meter.createCounter('agentgw.executions', {
    description: 'Executions that ended, by agent and status',
    unit: '{execution}',
  })
  const modelCalls = meter.createCounter('agentgw.model.calls', {
    description: 'Model calls, by agent, model and outcome',
    unit: '{call}',
  })
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    description: 'Tokens per model call, by model and token type (input, output)',
    unit: '{token}',
  })
  const tokenTotal = meter.createCounter('agentgw.model.tokens', {
    description: 'Tokens used, by agent, model and token type (input, output)',
    unit: '{token}',
  })
  const cost = meter.createCounter('agentgw.cost', {
    description: 'Model cost in US dollars, by agent and model',
    unit: 'USD',
  })
  const toolCalls = meter.createCounter('agentgw.tool.calls', {
    description: 'Tool calls, by agent, tool and outcome',
    unit: '{call}',
  })
  const jobDuration = meter.createHistogram('agentgw.job.duration', {
    description: 'How long a queue worker took to handle an execution job',
    unit: 's',
  })
  const queueDepth = meter.createObservableGauge('agentgw.queue.depth', {
    description: 'Jobs waiting, delayed or running in the execution queue',
    unit: '{job}',
  })

  return {
    execution(agentId, status) {
      executions.add(1, { 'gen_ai.agent.id': agentId, 'agentgw.execution.status': status })
    },
    modelCall(call) {
      const model = { 'gen_ai.agent.id': call.agentId, 'gen_ai.request.model': call.model }
      modelCalls.add(1, { ...model, 'agentgw.outcome': call.error ? 'error' : 'ok' })
      for (const [type, count] of [
        ['input', call.inputTokens],
        ['output', call.outputTokens],
      ] as const) {
        tokens.record(count, {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': call.model,
          'gen_ai.token.type': type,
        })
        tokenTotal.add(count, { ...model, 'gen_ai.token.type': type })
      }
      cost.add(call.costUsd, model)
    },
    toolCall(agentId, tool, error) {
      toolCalls.add(1, {
        'gen_ai.agent.id': agentId,
        'gen_ai.tool.name': tool,
        'agentgw.outcome': error ? 'error' : 'ok',
      })
    },
    jobDuration(seconds, outcome) {
      jobDuration.record(seconds, { 'agentgw.outcome': outcome })
    },
    observeQueueDepth(size, backend) {
      const callback = async (result: {
        observe(value: number, attributes?: Record<string, string>): void
      }) => {
        try {
          result.observe(await size(), { 'agentgw.queue.backend': backend })
        } catch {
          // An unreachable queue reports nothing this round rather than a wrong 0.
        }
      }
      queueDepth.addCallback(callback)
      return () => queueDepth.removeCallback(callback)
    },
  }
}
