import { canSee, isOwnResource, listScope, ownListScope, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type {
  SessionListFilter,
  SessionRecord,
  SessionStore,
  SessionSummary,
} from '../../core/ports/session-store.ts'
import { requireAccess } from '../require-access.ts'

/**
 * Chat sessions as a viewer may see them. Routes, dashboard pages and the runner reach sessions
 * only through this; what a viewer may see or change is decided by `core/authorization.ts`.
 */
export interface SessionService {
  /** The session; `session_not_found` when it does not exist or the viewer may not see it. */
  getVisible(id: string, viewer: Viewer): Promise<SessionRecord>
  /** Like `getVisible`, but `undefined` instead of an error. */
  findVisible(id: string, viewer: Viewer): Promise<SessionRecord | undefined>
  /** The sessions the viewer may see, most recently updated first. */
  listVisible(filter: Omit<SessionListFilter, 'ownerId'>, viewer: Viewer): Promise<SessionSummary[]>
  /** The viewer's own sessions (administrators included: their own only), most recent first. */
  listOwn(filter: Omit<SessionListFilter, 'ownerId'>, viewer: Viewer): Promise<SessionSummary[]>
  /** One of the viewer's own sessions; `session_not_found` for anyone else's. */
  getOwn(id: string, viewer: Viewer): Promise<SessionRecord>
  /**
   * The session, when the viewer may continue it with this agent: `session_not_found` (404),
   * `forbidden` (403) when the viewer may only read it, `session_agent_mismatch` (409).
   */
  getContinuable(id: string, agentId: string, viewer: Viewer): Promise<SessionRecord>
  /** Deletes the session and its history, when the viewer may change it (same errors). */
  delete(id: string, viewer: Viewer): Promise<void>
}

const notFound = (id: string) => () =>
  new GatewayError('session_not_found', { message: `Session "${id}" not found.` })

export function createSessionService(store: SessionStore): SessionService {
  const read = async (id: string, viewer: Viewer) =>
    requireAccess(await store.get(id), {
      viewer,
      access: 'read',
      ownerId: (session) => session.ownerId,
      notFound: notFound(id),
      forbiddenMessage: `You may not read session "${id}".`,
    })

  const change = async (id: string, viewer: Viewer, verb: string) =>
    requireAccess(await store.get(id), {
      viewer,
      access: 'change',
      ownerId: (session) => session.ownerId,
      notFound: notFound(id),
      forbiddenMessage: `You may read session "${id}" but not ${verb} it.`,
    })

  return {
    getVisible: read,

    async findVisible(id, viewer) {
      const session = await store.get(id)
      return session && canSee(viewer, session.ownerId) ? session : undefined
    },

    async listVisible(filter, viewer) {
      const scope = listScope(viewer)
      if (scope.kind === 'nothing') return []
      return store.list({ ...filter, ownerId: scope.kind === 'owner' ? scope.ownerId : undefined })
    },

    async listOwn(filter, viewer) {
      const scope = ownListScope(viewer)
      if (scope.kind !== 'owner') return []
      return store.list({ ...filter, ownerId: scope.ownerId })
    },

    async getOwn(id, viewer) {
      const session = await read(id, viewer)
      if (!isOwnResource(viewer, session.ownerId)) throw notFound(id)()
      return session
    },

    async getContinuable(id, agentId, viewer) {
      const session = await change(id, viewer, 'continue')
      if (session.agentId !== agentId) {
        throw new GatewayError('session_agent_mismatch', {
          message: `Session "${id}" belongs to agent "${session.agentId}".`,
        })
      }
      return session
    },

    async delete(id, viewer) {
      await change(id, viewer, 'delete')
      // Deleted meanwhile by someone else: the outcome the caller asked for.
      await store.delete(id)
    },
  }
}
