/** What migrations need to know about where they run. */
export interface MigrationContext {
  /** Table prefix; index and constraint names get it too, since they share a namespace. */
  prefix: string
  dialect: 'sqlite' | 'postgres'
}
