import type { MemoryScope } from './ports/memory-store.ts'
import type { Principal } from './principal.ts'

/**
 * Who is asking to see or change an owned resource (an execution, a session, and every owned
 * resource added later). This module is the one place that decides it; services ask it and
 * routes, dashboard pages and the runner ask the services.
 *
 * - `principal`: an authenticated caller — API key, JWT, custom auth, a dashboard user, the open
 *   gateway's anonymous principal — and a queue worker running a job as the principal who
 *   queued it.
 * - `unauthenticated`: a request without credentials on a route made public. It owns nothing,
 *   so it sees and changes nothing.
 * - `system`: the host's own code (`gw.invoke()`, `gw.chat()`, `gw.stream()` without a
 *   principal). It is trusted like an administrator: it already holds the whole gateway.
 */
export type Viewer =
  | { readonly kind: 'principal'; readonly principal: Principal }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'system' }

/** The host's own code. */
export const systemViewer: Viewer = Object.freeze({ kind: 'system' })

/** A request without credentials. */
export const unauthenticatedViewer: Viewer = Object.freeze({ kind: 'unauthenticated' })

/** The viewer of an authenticated principal. */
export function toViewer(principal: Principal): Viewer {
  return { kind: 'principal', principal }
}

/** The principal behind a viewer; `undefined` for the system and unauthenticated viewers. */
export function principalOf(viewer: Viewer): Principal | undefined {
  return viewer.kind === 'principal' ? viewer.principal : undefined
}

/**
 * The owner id of what this viewer creates: its principal's id, or `null` — unowned — for the
 * system and unauthenticated viewers.
 */
export function ownerIdOf(viewer: Viewer): string | null {
  return viewer.kind === 'principal' ? viewer.principal.id : null
}

/** Whether things this viewer creates carry this owner id (`null` for unowned). */
export function matchesOwner(viewer: Viewer, ownerId: string | null): boolean {
  return ownerIdOf(viewer) === ownerId
}

/** Scopes that let a principal read every owner's resources. */
const readEverythingScopes: readonly string[] = ['*', 'admin', 'executions:read_all']
/** Scopes that let a principal change every owner's resources: reading all is not enough. */
const changeEverythingScopes: readonly string[] = ['*', 'admin']

const holdsAny = (viewer: Viewer, scopes: readonly string[]) =>
  viewer.kind === 'principal' && viewer.principal.scopes.some((scope) => scopes.includes(scope))

/** Whether the viewer reads every owner's resources (and the unowned ones). */
export function seesEverything(viewer: Viewer): boolean {
  return viewer.kind === 'system' || holdsAny(viewer, readEverythingScopes)
}

/** Whether the viewer may change every owner's resources (and the unowned ones). */
export function changesEverything(viewer: Viewer): boolean {
  return viewer.kind === 'system' || holdsAny(viewer, changeEverythingScopes)
}

/** Whether the viewer is the owner. An unowned resource (`null`) has no owner to be. */
function owns(viewer: Viewer, ownerId: string | null): boolean {
  return ownerId !== null && viewer.kind === 'principal' && viewer.principal.id === ownerId
}

/**
 * Whether the resource is the viewer's own — not merely visible to it: for "my …" views, where
 * even an administrator sees only what it owns. An unowned resource is nobody's own.
 */
export function isOwnResource(viewer: Viewer, ownerId: string | null): boolean {
  return owns(viewer, ownerId)
}

/** Which owner's resources a "my …" list shows: the viewer's own, or nothing without an identity. */
export function ownListScope(viewer: Viewer): ListScope {
  const ownerId = ownerIdOf(viewer)
  return ownerId === null ? { kind: 'nothing' } : { kind: 'owner', ownerId }
}

/**
 * Whether the viewer may see (read, list, follow) a resource of this owner: its owner, and
 * viewers who see everything. Deny by default: unowned resources are seen only by those.
 */
export function canSee(viewer: Viewer, ownerId: string | null): boolean {
  return owns(viewer, ownerId) || seesEverything(viewer)
}

/**
 * Whether the viewer may change (continue, cancel, delete) a resource of this owner: its owner,
 * and viewers who change everything.
 */
export function canChange(viewer: Viewer, ownerId: string | null): boolean {
  return owns(viewer, ownerId) || changesEverything(viewer)
}

/** Scopes that let a principal decide any owner's pending tool-call approvals. */
const approveEverythingScopes: readonly string[] = ['*', 'admin', 'executions:approve']

/**
 * Whether the viewer may decide (approve, reject, edit) pending tool calls — of every owner: an
 * approver is someone other than the run's owner. Reading the rest of the execution still
 * follows `canSee`.
 */
export function canApprove(viewer: Viewer): boolean {
  return viewer.kind === 'system' || holdsAny(viewer, approveEverythingScopes)
}

/** What a viewer wants to do with an owned resource. */
export type Access = 'read' | 'change' | 'approve'

/**
 * The answer for one resource: `hidden` when the viewer may not see it — answered like a
 * resource that does not exist, so its existence does not leak — and `forbidden` when it may
 * see it but not change it.
 */
export type AccessDecision = 'allowed' | 'hidden' | 'forbidden'

export function decideAccess(viewer: Viewer, ownerId: string | null, access: Access): AccessDecision {
  if (access === 'approve' && canApprove(viewer)) return 'allowed'
  if (!canSee(viewer, ownerId)) return 'hidden'
  if (access === 'approve') return 'forbidden'
  if (access === 'read' || canChange(viewer, ownerId)) return 'allowed'
  return 'forbidden'
}

/**
 * Which owners' resources a list shows this viewer: everyone's, one owner's, or nothing at all
 * (storage filters by the owner id; `nothing` is answered without asking storage).
 */
export type ListScope =
  | { readonly kind: 'everyone' }
  | { readonly kind: 'owner'; readonly ownerId: string }
  | { readonly kind: 'nothing' }

/** Which owners' pending approvals a list shows: approvers see everyone's, others their own. */
export function approvalListScope(viewer: Viewer): ListScope {
  return canApprove(viewer) ? { kind: 'everyone' } : listScope(viewer)
}

export function listScope(viewer: Viewer): ListScope {
  if (seesEverything(viewer)) return { kind: 'everyone' }
  if (viewer.kind === 'principal') return { kind: 'owner', ownerId: viewer.principal.id }
  return { kind: 'nothing' }
}

/**
 * Who owns a resource the viewer creates where shared resources exist beside personal ones
 * (admin and user schedules): viewers who change everything create shared, unowned ones unless
 * they ask for a `personal` one; any other principal creates its own; a request without
 * credentials creates nothing.
 */
export type NewResourceOwner =
  | { readonly kind: 'shared' }
  | { readonly kind: 'owner'; readonly ownerId: string }
  | { readonly kind: 'refused' }

export function ownerOfNew(
  viewer: Viewer,
  options: { personal?: boolean | undefined } = {},
): NewResourceOwner {
  if (changesEverything(viewer) && !options.personal) return { kind: 'shared' }
  if (viewer.kind === 'principal') return { kind: 'owner', ownerId: viewer.principal.id }
  return { kind: 'refused' }
}

/**
 * Whose memories a run reads and writes (agent `memory`): an authenticated principal's own, by
 * its id. Anonymous callers (the open gateway's principal), the unauthenticated and the host's
 * code without a principal have none — `null` — so they get no memory tools and no recall.
 */
export function memoryOwnerOf(principal: Principal | undefined): string | null {
  return principal && principal.kind !== 'anonymous' ? principal.id : null
}

/** The memories of `agentId` this viewer reads and writes: its own, or `undefined` without a user. */
export function memoryScopeOf(viewer: Viewer, agentId: string): MemoryScope | undefined {
  const ownerId = memoryOwnerOf(principalOf(viewer))
  return ownerId === null ? undefined : { ownerId, agentId }
}
