import { type Access, decideAccess, type Viewer } from '../core/authorization.ts'
import { GatewayError } from '../core/errors.ts'

export interface RequireAccessOptions<Resource> {
  viewer: Viewer
  access: Access
  /** The resource's owner id (`null` when unowned). */
  ownerId: (resource: Resource) => string | null
  /** The resource's own "not found" error, e.g. `execution_not_found`. */
  notFound: () => GatewayError
  /** Why a viewer who may see the resource may not change it. */
  forbiddenMessage: string
}

/**
 * The resource, when the viewer has this access to it. Otherwise throws the resource's "not
 * found" error — also when it exists but the viewer may not see it, so its existence does not
 * leak — or 403 `forbidden` when the viewer may see it but not change it. Every service method
 * that hands out or changes one owned resource goes through here.
 */
export function requireAccess<Resource>(
  resource: Resource | undefined,
  options: RequireAccessOptions<Resource>,
): Resource {
  if (resource === undefined) throw options.notFound()
  const decision = decideAccess(options.viewer, options.ownerId(resource), options.access)
  if (decision === 'hidden') throw options.notFound()
  if (decision === 'forbidden') throw new GatewayError('forbidden', { message: options.forbiddenMessage })
  return resource
}
