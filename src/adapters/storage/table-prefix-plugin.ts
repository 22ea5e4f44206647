import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely'

class PrefixTransformer extends OperationNodeTransformer {
  readonly #prefix: string
  constructor(prefix: string) {
    super()
    this.#prefix = prefix
  }
  protected override transformTable(node: TableNode): TableNode {
    const transformed = super.transformTable(node)
    const identifier = transformed.table.identifier
    // `excluded` is the row proposed in ON CONFLICT, not a table of ours.
    if (identifier.name === 'excluded') return transformed
    return {
      ...transformed,
      table: {
        ...transformed.table,
        identifier: { ...identifier, name: `${this.#prefix}${identifier.name}` },
      },
    }
  }
}

/**
 * Prefixes every table name (`executions` → `agw_executions`), so several gateways can share one
 * database. Qualified references (`leases.expires_at`) are prefixed too; `excluded` is left alone.
 */
export function createTablePrefixPlugin(prefix: string): KyselyPlugin {
  const transformer = new PrefixTransformer(prefix)
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      return transformer.transformNode(args.node)
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result
    },
  }
}
