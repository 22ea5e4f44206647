import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { ErrorDetail } from '../core/errors.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'

// ajv-formats ships CommonJS with `exports.default`; unwrap it for both module systems.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020

export type ValidateFunction = (value: unknown) => ErrorDetail[]

/** Compiles and checks JSON Schemas (draft 2020-12, with formats). */
export interface JsonSchemaValidator {
  /** The reason a schema is not a valid draft 2020-12 schema, or `null` when it is. */
  check(schema: JsonSchema): string | null
  /** A validator returning `[]` when the value conforms, else one detail per problem. */
  compile(schema: JsonSchema): ValidateFunction
}

/**
 * One validator per gateway: ajv caches compiled schemas by identity, so sharing one across
 * gateways would be shared mutable state.
 */
export function createJsonSchemaValidator(): JsonSchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true })
  addFormats(ajv)
  const compiled = new WeakMap<JsonSchema, ValidateFunction>()
  return {
    check(schema) {
      try {
        if (!ajv.validateSchema(schema)) return ajv.errorsText(ajv.errors, { dataVar: 'schema' })
        ajv.compile(schema)
        return null
      } catch (error) {
        return (error as Error).message
      }
    },
    compile(schema) {
      const cached = compiled.get(schema)
      if (cached) return cached
      const validate = ajv.compile(schema)
      const run: ValidateFunction = (value) => {
        if (validate(value)) return []
        return (validate.errors ?? []).map((error) => {
          const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : ''
          const extra =
            error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : ''
          return {
            path: `${error.instancePath}${missing}${extra}` || '/',
            message: error.message ?? 'is invalid',
            keyword: error.keyword,
          }
        })
      }
      compiled.set(schema, run)
      return run
    },
  }
}
