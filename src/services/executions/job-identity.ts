import { systemViewer, toViewer, unauthenticatedViewer, type Viewer } from '../../core/authorization.ts'
import { type Principal, principalKinds } from '../../core/principal.ts'

/**
 * Who queued a job, as plain JSON every queue backend can carry: the worker runs the job as
 * this viewer — the submitting principal itself, with its kind, scopes and name — so the run is
 * recorded and authorised as its submitter, never as a made-up identity.
 */
export type JobIdentity =
  | { kind: 'principal'; principal: { id: string; kind: Principal['kind']; scopes: string[]; name?: string } }
  | { kind: 'unauthenticated' }
  | { kind: 'system' }

export function toJobIdentity(viewer: Viewer): JobIdentity {
  if (viewer.kind !== 'principal') return { kind: viewer.kind }
  const { id, kind, scopes, name } = viewer.principal
  return { kind: 'principal', principal: { id, kind, scopes: [...scopes], ...(name ? { name } : {}) } }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The viewer a job carries; `undefined` when the payload holds no well-formed identity. */
export function fromJobIdentity(value: unknown): Viewer | undefined {
  if (!isRecord(value)) return undefined
  if (value.kind === 'system') return systemViewer
  if (value.kind === 'unauthenticated') return unauthenticatedViewer
  if (value.kind !== 'principal' || !isRecord(value.principal)) return undefined
  const { id, kind, scopes, name } = value.principal
  if (typeof id !== 'string' || id === '') return undefined
  if (!(principalKinds as readonly unknown[]).includes(kind)) return undefined
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) return undefined
  if (name !== undefined && typeof name !== 'string') return undefined
  return toViewer({
    id,
    kind: kind as Principal['kind'],
    scopes: scopes as string[],
    ...(name !== undefined ? { name } : {}),
  })
}
