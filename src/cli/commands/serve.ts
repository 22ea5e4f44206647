import pc from 'picocolors'
import { resolveConfig } from '../../core/config/resolve-config.ts'
import type { Logger } from '../../core/logger.ts'
import { Gateway } from '../../gateway.ts'
import { createLogger } from '../../runtime/create-logger.ts'
import { readGatewayConfigFile } from '../../workspace/read-gateway-config-file.ts'
import { createPrettyLogStream } from '../pretty-log-stream.ts'
import { startTelemetrySdk, type TelemetrySdk } from '../telemetry-sdk.ts'
import { watchWorkspace } from '../watch-workspace.ts'

export interface ServeOptions {
  workspace: string
  config?: string
  port?: number
  host?: string
  logFormat?: 'pretty' | 'json'
  logLevel?: string
  /** Run queued executions only, without an HTTP server. */
  workerOnly?: boolean
  /** Reload the workspace when its files change. */
  watch?: boolean
}

/** `agentgw serve`: standalone server with a graceful drain on SIGTERM/SIGINT. */
export async function runServe(options: ServeOptions): Promise<void> {
  const pretty = (options.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json')) === 'pretty'
  const logger = createLogger({
    level: options.logLevel ?? process.env.AGW_TELEMETRY__LOG_LEVEL ?? 'info',
    ...(pretty ? { destination: createPrettyLogStream() } : {}),
  })
  // The SDK goes in before the gateway exists, so its tracers and meters come from it.
  const { config } = resolveConfig({
    yaml: readGatewayConfigFile(options.config, options.workspace),
    env: process.env,
  })
  const sdk = await startTelemetrySdk(config.telemetry)
  if (sdk) {
    logger.info(
      { exporter: config.telemetry.exporter, endpoint: config.telemetry.endpoint ?? undefined },
      'telemetry export on',
    )
  }
  const gateway = new Gateway({
    workspace: options.workspace,
    ...(options.config ? { configFile: options.config } : {}),
    ...(options.workerOnly ? { queue: { runWorkers: true } } : {}),
    logger,
  })
  if (options.workerOnly) {
    await gateway.start()
    logger.info(
      { workers: gateway.config.queue.workers, queue: gateway.config.queue.backend },
      'worker running (no HTTP server)',
    )
    const stopWatching = startWatching(options, gateway, logger)
    onShutdownSignal(
      logger,
      () => {
        stopWatching()
        return gateway.stop()
      },
      sdk,
    )
    return
  }
  const listening = await gateway.listen({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  })
  if (pretty) {
    process.stderr.write(
      `\n  ${pc.bold('agentgw')} serving ${pc.cyan(options.workspace)} at ${pc.green(listening.url)}\n`,
    )
    process.stderr.write(`  API docs: ${listening.url}/docs\n\n`)
  }
  const stopWatching = startWatching(options, gateway, logger)
  onShutdownSignal(
    logger,
    () => {
      stopWatching()
      return listening.close()
    },
    sdk,
  )
}

/** `--watch`: the same reload as `POST /v1/reload` (announced to other instances) on file saves. */
function startWatching(options: ServeOptions, gateway: Gateway, logger: Logger): () => void {
  if (!options.watch) return () => undefined
  const runtime = gateway.internalRuntime
  return watchWorkspace({
    root: runtime.workspace.root,
    logger,
    // The reloader logs the outcome: the new version and changes, or the problems it refused.
    reload: async () => {
      await runtime.reloader.reload()
    },
  })
}

/** Drains on SIGTERM/SIGINT; a second signal exits at once. */
function onShutdownSignal(logger: Logger, close: () => Promise<void>, sdk?: TelemetrySdk): void {
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without draining')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'draining')
    // The last spans and metrics (the drain's included) are flushed after the gateway stops.
    close()
      .finally(() => sdk?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}
