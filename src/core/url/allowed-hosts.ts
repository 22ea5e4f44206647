/**
 * Host names the gateway builds absolute URLs for (`server.allowed_hosts`): `example.com`
 * (any port), `example.com:8443` (that port only), `*.example.com` (any subdomain),
 * `[::1]`, `127.0.0.1`. Case-insensitive.
 */
export type HostAllowlist = (host: string) => boolean

const entryPattern = /^(\*\.)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)(:\d{1,5})?$/

/** Why an `allowed_hosts` entry is unusable, or `undefined` when it is fine. */
export function allowedHostProblem(entry: string): string | undefined {
  return entryPattern.test(entry)
    ? undefined
    : `"${entry}" is not a host name: use example.com, example.com:8443, *.example.com or an IP address`
}

function splitHost(host: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase())
  return { name: match?.[1] ?? host.toLowerCase(), port: match?.[2] }
}

export function compileAllowedHosts(entries: readonly string[]): HostAllowlist {
  const rules = entries.map((entry) => {
    const wildcard = entry.startsWith('*.')
    const { name, port } = splitHost(wildcard ? entry.slice(2) : entry)
    return { wildcard, name, port }
  })
  return (host) => {
    const { name, port } = splitHost(host)
    return rules.some(
      (rule) =>
        (rule.port === undefined || rule.port === port) &&
        (rule.wildcard ? name.endsWith(`.${rule.name}`) : name === rule.name),
    )
  }
}
