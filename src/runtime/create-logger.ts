import { pino } from 'pino'
import type { Logger } from '../core/logger.ts'

/** Paths pino blanks out, wherever they appear in a log record. */
export const redactedPaths = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
]

export interface CreateLoggerOptions {
  level: string
  name?: string
  /** Where JSON lines go. @default stdout */
  destination?: NodeJS.WritableStream
}

/** The default JSON logger, with secrets redacted. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      name: options.name ?? 'agentgw',
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    options.destination ?? process.stdout,
  ) as unknown as Logger
}
