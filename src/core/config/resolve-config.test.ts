import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { resolveConfig } from './resolve-config.ts'

const yaml = (text: string) => ({ text, file: 'ws/gateway.yaml' })

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('resolveConfig', () => {
  it('applies defaults when there is no file', () => {
    const { config, warnings } = resolveConfig()
    expect(config.server.port).toBe(8000)
    expect(config.server.rootPath).toBe('')
    expect(config.guardrails.maxIterations).toBe(10)
    expect(config.auth.mode).toBe('api_key')
    expect(config.timezone).toBe('UTC')
    expect(warnings).toEqual([])
  })

  it('reads snake_case YAML keys into the camelCase config', () => {
    const { config } = resolveConfig({
      yaml: yaml('server:\n  port: 9001\n  root_path: /public/\nguardrails:\n  max_tool_calls: 3\n'),
    })
    expect(config.server.port).toBe(9001)
    expect(config.server.rootPath).toBe('/public')
    expect(config.guardrails.maxToolCalls).toBe(3)
  })

  it('keeps the keys of free-form maps as written', () => {
    const { config } = resolveConfig({
      yaml: yaml('context:\n  company_name: Acme\n  nested_map: { a_b: 1 }\n'),
    })
    expect(config.context).toEqual({ company_name: 'Acme', nested_map: { a_b: 1 } })
  })

  describe('precedence: options > env > yaml > defaults', () => {
    const file = yaml('server:\n  port: 9001\n  host: 0.0.0.0\nqueue:\n  workers: 2\n')
    it('yaml beats defaults', () => {
      expect(resolveConfig({ yaml: file }).config.queue.workers).toBe(2)
    })
    it('env beats yaml and is coerced to the schema type', () => {
      const { config } = resolveConfig({
        yaml: file,
        env: { AGW_SERVER__PORT: '9100', AGW_QUEUE__MAX_RETRIES: '7' },
      })
      expect(config.server.port).toBe(9100)
      expect(config.queue.maxRetries).toBe(7)
      expect(config.server.host).toBe('0.0.0.0')
    })
    it('options beat env', () => {
      const { config } = resolveConfig({
        yaml: file,
        env: { AGW_SERVER__PORT: '9100' },
        overrides: { server: { port: 9200 } },
      })
      expect(config.server.port).toBe(9200)
      expect(config.server.host).toBe('0.0.0.0')
    })
    it('env sets nested keys, lists and top-level scalars', () => {
      const { config } = resolveConfig({
        env: {
          AGW_DASHBOARD__AUTH__USERNAME: 'ops',
          AGW_CORS__ALLOW_ORIGINS: 'https://a.example, https://b.example',
          AGW_PROXY__FORWARDED_ALLOW_IPS: '["10.0.0.0/8"]',
          AGW_TIMEZONE: 'Europe/Paris',
          AGW_SECURITY__ENABLED: 'false',
        },
      })
      expect(config.dashboard.auth.username).toBe('ops')
      expect(config.cors.allowOrigins).toEqual(['https://a.example', 'https://b.example'])
      expect(config.proxy.forwardedAllowIps).toEqual(['10.0.0.0/8'])
      expect(config.timezone).toBe('Europe/Paris')
      expect(config.security.enabled).toBe(false)
    })
    it('leaves single-segment AGW_ variables used for interpolation alone', () => {
      const { config, warnings } = resolveConfig({
        yaml: yaml('model:\n  default: ${AGW_MODEL:-mock:echo}\n'),
        env: { AGW_MODEL: 'openai:gpt-4o-mini' },
      })
      expect(config.model.default).toBe('openai:gpt-4o-mini')
      expect(warnings).toEqual([])
    })
  })

  describe('interpolation', () => {
    it('replaces ${VAR} in whole and embedded strings', () => {
      const { config } = resolveConfig({
        yaml: yaml('dashboard:\n  title: ${TITLE}\n  subtitle: "Team ${TEAM} hub"\n'),
        env: { TITLE: 'Ops', TEAM: 'blue' },
      })
      expect(config.dashboard.title).toBe('Ops')
      expect(config.dashboard.subtitle).toBe('Team blue hub')
    })
    it('uses ${VAR:-default} when the variable is unset or empty', () => {
      const file = yaml('server:\n  port: ${PORT:-8123}\n  host: ${HOST:-localhost}\n')
      expect(resolveConfig({ yaml: file }).config.server.port).toBe(8123)
      expect(resolveConfig({ yaml: file, env: { HOST: '' } }).config.server.host).toBe('localhost')
      expect(resolveConfig({ yaml: file, env: { PORT: '9999' } }).config.server.port).toBe(9999)
    })
    it('treats $${ as a literal', () => {
      const { config } = resolveConfig({ yaml: yaml('dashboard:\n  title: "cost $${X}"\n') })
      expect(config.dashboard.title).toBe('cost ${X}')
    })
    it('never lets a value inject YAML structure', () => {
      const { config } = resolveConfig({
        yaml: yaml('dashboard:\n  title: ${EVIL}\n'),
        env: { EVIL: 'x\nserver:\n  port: 1' },
      })
      expect(config.dashboard.title).toBe('x\nserver:\n  port: 1')
      expect(config.server.port).toBe(8000)
    })
    it('reports an unset variable with file, line and key', () => {
      const error = configError(() => resolveConfig({ yaml: yaml('server:\n  host: ok\n  port: ${NOPE}\n') }))
      expect(error.issues[0]).toMatchObject({ file: 'ws/gateway.yaml', line: 3, keyPath: 'server.port' })
      expect(error.message).toContain('NOPE')
    })
  })

  describe('errors', () => {
    it('names file, line and key for a wrong type', () => {
      const error = configError(() =>
        resolveConfig({ yaml: yaml('server:\n  host: a\n  port: not-a-port\n') }),
      )
      expect(error.issues).toHaveLength(1)
      expect(error.issues[0]).toMatchObject({ file: 'ws/gateway.yaml', line: 3, keyPath: 'server.port' })
      expect(error.message).toMatch(/^ws\/gateway\.yaml:3:\d+ server\.port: /)
    })
    it('names file and line for broken YAML', () => {
      const error = configError(() => resolveConfig({ yaml: yaml('server:\n  port: 1\n bad: [\n') }))
      expect(error.issues[0]?.file).toBe('ws/gateway.yaml')
      expect(error.issues[0]?.line).toBeGreaterThanOrEqual(2)
      expect(error.message).toContain('invalid YAML')
    })
    it('refuses duplicate keys', () => {
      const error = configError(() => resolveConfig({ yaml: yaml('server:\n  port: 1\n  port: 2\n') }))
      expect(error.issues[0]?.line).toBe(3)
    })
    it('refuses custom tags instead of evaluating them', () => {
      configError(() => resolveConfig({ yaml: yaml('server:\n  host: !!js/function "function(){}"\n') }))
    })
    it('names the env variable when an override is invalid', () => {
      const error = configError(() => resolveConfig({ env: { AGW_SERVER__PORT: 'abc' } }))
      expect(error.issues[0]).toMatchObject({ file: 'AGW_SERVER__PORT', keyPath: 'server.port' })
    })
    it('names options when a constructor option is invalid', () => {
      const error = configError(() => resolveConfig({ overrides: { server: { port: -1 } } }))
      expect(error.issues[0]).toMatchObject({ file: 'options', keyPath: 'server.port' })
    })
    it('refuses an unknown timezone', () => {
      const error = configError(() => resolveConfig({ yaml: yaml('timezone: Mars/Olympus\n') }))
      expect(error.issues[0]).toMatchObject({ line: 1, keyPath: 'timezone' })
    })
    it('refuses CORS credentials with a wildcard origin at the line that turns them on', () => {
      const error = configError(() =>
        resolveConfig({
          yaml: yaml('cors:\n  enabled: true\n  allow_origins: ["*"]\n  allow_credentials: true\n'),
        }),
      )
      expect(error.issues[0]).toMatchObject({ line: 4, keyPath: 'cors.allow_credentials' })
    })
    it('reports a nested error inside a list with its line', () => {
      const error = configError(() =>
        resolveConfig({ yaml: yaml('auth:\n  api_keys:\n    - name: ci\n      key: short\n') }),
      )
      expect(error.issues[0]).toMatchObject({ line: 4, keyPath: 'auth.api_keys.0.key' })
    })
  })

  describe('unknown keys', () => {
    it('warns with the key path, line and a suggestion', () => {
      const { warnings } = resolveConfig({ yaml: yaml('server:\n  prot: 1\nguardrail:\n  x: 1\n') })
      expect(warnings).toHaveLength(2)
      expect(warnings[0]).toMatchObject({ line: 2, keyPath: 'server.prot' })
      expect(warnings[0]?.message).toContain('did you mean "port"')
      expect(warnings[1]).toMatchObject({ line: 3, keyPath: 'guardrail' })
      expect(warnings[1]?.message).toContain('guardrails')
    })
    it('warns about an env variable that names no setting', () => {
      const { warnings } = resolveConfig({ env: { AGW_SERVER__PROT: '1' } })
      expect(warnings[0]?.message).toContain('AGW_SERVER__PROT')
    })
  })
})
