import type { McpServerStore, StoredMcpServer } from '../../core/ports/mcp-server-store.ts'

const copy = (server: StoredMcpServer): StoredMcpServer => ({
  ...server,
  args: [...server.args],
  secretNames: [...server.secretNames],
})

/** MCP server configurations in this process only (`persistence.enabled: false`, tests). */
export function createMemoryMcpServerStore(): McpServerStore {
  const servers = new Map<string, StoredMcpServer>()
  return {
    async list() {
      return [...servers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(copy)
    },
    async get(name) {
      const server = servers.get(name)
      return server ? copy(server) : undefined
    },
    async create(server) {
      if (servers.has(server.name)) return false
      servers.set(server.name, copy(server))
      return true
    },
    async update(server) {
      if (!servers.has(server.name)) return false
      servers.set(server.name, copy(server))
      return true
    },
    async delete(name) {
      return servers.delete(name)
    },
  }
}
