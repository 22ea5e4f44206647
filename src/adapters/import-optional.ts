import { ConfigError } from '../core/errors.ts'

/**
 * Loads an optional peer dependency (`pg`, `bullmq`, `ioredis`, `amqplib`). The gateway works
 * without them until a backend that needs one is configured; then a missing package is a
 * start-up `ConfigError` that names the package to install and the setting that asked for it.
 *
 * @example
 * const { Redis } = await importOptional(() => import('ioredis'), 'ioredis', 'queue.backend')
 */
export async function importOptional<T>(
  load: () => Promise<T>,
  packageName: string,
  keyPath: string,
): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isMissingPackage(error, packageName)) {
      throw new ConfigError({
        keyPath,
        message: `this backend needs the npm package "${packageName}", which is not installed: npm install ${packageName}`,
      })
    }
    throw error
  }
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as Error & { code?: unknown }).code
  // Only the package itself being absent counts; a broken install (a missing file *inside* it)
  // must surface as the real error.
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (error.message.includes(`'${packageName}'`) || error.message.includes(`"${packageName}"`))
  )
}
