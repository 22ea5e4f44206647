/**
 * A deep copy of stored data — plain objects, arrays and primitives, the shapes records hold —
 * with anything else (a Date, a Map, a class instance) handed to `structuredClone`. In-memory
 * stores copy on every write and read so callers cannot change what is stored; for their small
 * records this is several times faster than `structuredClone`, which was 5% of a run without
 * persistence. Like `structuredClone`, it keeps `undefined` properties.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(cloneData) as T
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = cloneData((value as Record<string, unknown>)[key])
  return copy as T
}
