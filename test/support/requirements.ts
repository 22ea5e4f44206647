import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'

/**
 * Suites that need a local service or a system binary call these at collection time. When the
 * requirement is missing the suite is skipped with a loud line — except under `CI=true`, where a
 * missing requirement is a failure, so CI can never pass by skipping.
 */
export interface Requirement {
  available: boolean
  name: string
}

const inCi = process.env.CI === 'true' || process.env.CI === '1'

function report(name: string, available: boolean, detail: string): Requirement {
  if (!available) {
    const line = `\n!!! ${name} is not available (${detail}): its tests are SKIPPED.\n`
    if (inCi) throw new Error(`${name} is required under CI=true but is not available (${detail})`)
    process.stderr.write(line)
  }
  return { available, name }
}

/** Whether something listens on 127.0.0.1:<port>. */
export async function requireService(name: string, port: number): Promise<Requirement> {
  const available = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1500 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
  return report(name, available, `nothing listens on 127.0.0.1:${port}`)
}

/** Whether a binary runs (e.g. `/usr/sbin/nginx -v`). */
export function requireBinary(name: string, command: string, args: string[] = ['--version']): Requirement {
  let available = true
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 })
  } catch {
    available = false
  }
  return report(name, available, `${command} does not run`)
}
