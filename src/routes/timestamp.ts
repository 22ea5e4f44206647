import { z } from '@hono/zod-openapi'

/**
 * A point in time in the HTTP API: an ISO-8601 UTC string with milliseconds
 * (`2026-11-30T09:15:02.120Z`). Storage keeps epoch milliseconds; routes convert on the way out.
 */
export const TimestampSchema = z.iso
  .datetime()
  .openapi({ description: 'ISO-8601 UTC timestamp.', example: '2026-11-30T09:15:02.120Z' })

/** Epoch milliseconds as the API shows them. */
export function toTimestamp(epochMs: number): string
export function toTimestamp(epochMs: number | null): string | null
export function toTimestamp(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString()
}

/**
 * A timestamp accepted in a query string: ISO-8601 (`2026-11-30T09:15:02Z`, offsets allowed) or,
 * for older clients, epoch milliseconds. Parsed to epoch milliseconds.
 */
export const TimestampQuerySchema = z
  .string()
  .refine((value) => /^\d{1,15}$/.test(value) || !Number.isNaN(Date.parse(value)), {
    message: 'expected an ISO-8601 timestamp',
  })
  .transform((value) => (/^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value)))
  .openapi({ description: 'ISO-8601 timestamp.', example: '2026-11-30T09:15:02.120Z' })
