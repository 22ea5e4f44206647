import type { TargetCommand, TargetReport, TargetSpec } from '../protocol.ts'
import { startTarget } from './start-target.ts'

// One target per process, started by the runner with an IPC channel: the runner asks for memory
// figures and says when to stop. A target never outlives its runner.

const send = (report: TargetReport) => process.send?.(report)
const spec = JSON.parse(process.argv[2] ?? '{}') as TargetSpec

/** Exposed by `--expose-gc`: collecting first makes RSS comparable between readings. */
const collectGarbage = (globalThis as { gc?: () => void }).gc

/**
 * RSS and heap, after two full collections with a pause between them when `collect` is set: the
 * pause lets FinalizationRegistry callbacks (abort-signal bookkeeping) run, so what they would
 * free is not counted as a leak.
 */
async function readMemory(collect: boolean): Promise<{ rss: number; heapUsed: number }> {
  if (collect && collectGarbage) {
    collectGarbage()
    await new Promise((resolve) => setTimeout(resolve, 250))
    collectGarbage()
  }
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

async function stopAndExit(close: () => Promise<void>): Promise<never> {
  const forced = setTimeout(() => process.exit(0), 5000)
  forced.unref()
  await close().catch(() => undefined)
  // A normal exit, so `--cpu-prof` writes its profile.
  process.exit(0)
}

// AGW_BENCH_TELEMETRY=noop: an OpenTelemetry SDK records every span and hands it to an exporter
// that drops it — the cost of tracing itself, without a collector's network cost.
if (process.env.AGW_BENCH_TELEMETRY === 'noop') {
  const { context, trace } = await import('@opentelemetry/api')
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const dropAll = {
    export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  }
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] }),
  )
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
}

try {
  const target = await startTarget(spec)
  process.on('message', (command: TargetCommand) => {
    if (command.type === 'memory') {
      void readMemory(command.collect).then((memory) => send({ type: 'memory', ...memory }))
    } else if (command.type === 'stop') {
      void stopAndExit(target.close)
    }
  })
  process.once('disconnect', () => void stopAndExit(target.close))
  send({ type: 'ready', port: target.port, basePath: target.basePath })
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
}
