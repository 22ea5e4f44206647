import { context, metrics, propagation, trace } from '@opentelemetry/api'
import type { GatewayConfig } from '../core/config/schema.ts'

/**
 * The OpenTelemetry SDK for `agentgw serve`, set up from `telemetry.exporter`. The library
 * itself depends on `@opentelemetry/api` only; these packages are loaded here, by dynamic
 * import, and only when an exporter is configured — a user who never sets one never needs them.
 */

/** The packages `telemetry.exporter: otlp` needs, as `npm install` takes them. */
export const otlpPackages = [
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
] as const

/** The packages `telemetry.exporter: console` needs. */
export const consolePackages = [
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
] as const

/** A started SDK: `shutdown` flushes what is buffered and stops exporting. */
export interface TelemetrySdk {
  shutdown(): Promise<void>
}

// biome-ignore lint/suspicious/noExplicitAny: the SDK modules are typed where they are used below
type ModuleMap = Record<string, any>

/** Imports a package by name; a parameter so a test can stand in for a missing package. */
export type ImportModule = (name: string) => Promise<unknown>

const importPackage: ImportModule = (name) => import(name)

async function loadPackages(
  names: readonly string[],
  exporter: string,
  importModule: ImportModule,
): Promise<ModuleMap> {
  const loaded: ModuleMap = {}
  const missing: string[] = []
  for (const name of names) {
    try {
      loaded[name] = await importModule(name)
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error
      missing.push(name)
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `telemetry.exporter: ${exporter} needs the OpenTelemetry SDK, which is not installed (missing ${missing.join(', ')}). ` +
        `Install it next to agentgw: npm install ${names.join(' ')}`,
    )
  }
  return loaded
}

/** The URL of one signal under an OTLP/HTTP base endpoint (`…/v1/traces`, `…/v1/metrics`). */
export function otlpSignalUrl(endpoint: string, signal: 'traces' | 'metrics'): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`
}

/**
 * Registers the OpenTelemetry SDK globally (tracer and meter providers, async context, W3C
 * propagation) for `telemetry.exporter`, or returns `undefined` for `none` (or `enabled: false`).
 * Call before the gateway is created, so its meters and tracers come from this SDK.
 * Throws, naming the packages to install, when the SDK is missing.
 */
export async function startTelemetrySdk(
  telemetry: GatewayConfig['telemetry'],
  importModule: ImportModule = importPackage,
): Promise<TelemetrySdk | undefined> {
  if (!telemetry.enabled || telemetry.exporter === 'none') return undefined
  const packages = telemetry.exporter === 'otlp' ? otlpPackages : consolePackages
  const sdk = await loadPackages(packages, telemetry.exporter, importModule)
  const traceBase = sdk['@opentelemetry/sdk-trace-base']
  const resource = sdk['@opentelemetry/resources'].resourceFromAttributes({
    'service.name': telemetry.serviceName,
  })
  const headers = telemetry.headers
  const url = (signal: 'traces' | 'metrics') =>
    telemetry.endpoint ? { url: otlpSignalUrl(telemetry.endpoint, signal) } : {}

  const spanProcessor =
    telemetry.exporter === 'otlp'
      ? new traceBase.BatchSpanProcessor(
          new sdk['@opentelemetry/exporter-trace-otlp-http'].OTLPTraceExporter({ ...url('traces'), headers }),
        )
      : new traceBase.SimpleSpanProcessor(new traceBase.ConsoleSpanExporter())
  const tracerProvider = new traceBase.BasicTracerProvider({ resource, spanProcessors: [spanProcessor] })
  const contextManager = new sdk['@opentelemetry/context-async-hooks'].AsyncLocalStorageContextManager()
  context.setGlobalContextManager(contextManager.enable())
  propagation.setGlobalPropagator(new sdk['@opentelemetry/core'].W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(tracerProvider)

  let meterProvider: { shutdown(): Promise<void> } | undefined
  if (telemetry.exporter === 'otlp') {
    const metricsSdk = sdk['@opentelemetry/sdk-metrics']
    meterProvider = new metricsSdk.MeterProvider({
      resource,
      readers: [
        new metricsSdk.PeriodicExportingMetricReader({
          exporter: new sdk['@opentelemetry/exporter-metrics-otlp-http'].OTLPMetricExporter({
            ...url('metrics'),
            headers,
          }),
          exportIntervalMillis: telemetry.metricsIntervalSeconds * 1000,
        }),
      ],
    })
    metrics.setGlobalMeterProvider(meterProvider as never)
  }

  return {
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider?.shutdown()])
    },
  }
}
