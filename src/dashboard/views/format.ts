/** Formatting shared by the dashboard's views; times are shown in UTC, like the API's. */

export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—'
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19)
}

export function formatDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(5, 10)
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—'
  if (usd === 0) return '$0'
  return usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

export function formatJson(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  return JSON.stringify(value, null, 2)
}

/** `2026-11-22` from an `<input type=date>` → epoch ms at the start of that UTC day, or undefined. */
export function parseDateInput(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const time = Date.parse(`${value}T00:00:00Z`)
  return Number.isFinite(time) ? time : undefined
}

export function parseNumberInput(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const number = Number(value)
  return Number.isFinite(number) && number >= 0 ? number : undefined
}
