import type { ErrorDetail } from '../core/errors.ts'
import type { ValidateFunction } from '../json-schema/create-json-schema-validator.ts'

export type StructuredOutput =
  | { ok: true; value: unknown }
  | { ok: false; value: unknown; errors: ErrorDetail[] | null; parseError: string | null }

/** Reads a model's JSON answer (tolerating a code fence around it) and validates it. */
export function parseStructuredOutput(text: string, validate: ValidateFunction): StructuredOutput {
  const trimmed = text.trim()
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed)
  const candidate = fenced ? (fenced[1] as string) : trimmed
  let value: unknown
  try {
    value = JSON.parse(candidate)
  } catch {
    return {
      ok: false,
      value: null,
      errors: [{ path: '/', message: 'is not valid JSON' }],
      parseError: 'the answer is not valid JSON',
    }
  }
  const errors = validate(value)
  return errors.length === 0 ? { ok: true, value } : { ok: false, value, errors, parseError: null }
}
