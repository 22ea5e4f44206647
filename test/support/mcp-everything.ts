import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

const require = createRequire(import.meta.url)
/** The entry script of `@modelcontextprotocol/server-everything`. */
export const everythingEntry = require.resolve('@modelcontextprotocol/server-everything/dist/index.js')
/** The entry script of `@modelcontextprotocol/server-filesystem`. */
export const filesystemEntry = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js')

/** A loopback port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface RunningEverything {
  url: string
  stop(): Promise<void>
}

/** Starts server-everything's streamable HTTP transport on `port`, resolving once it listens. */
export async function startEverythingHttp(port: number): Promise<RunningEverything> {
  const child: ChildProcess = spawn(process.execPath, [everythingEntry, 'streamableHttp'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${output}`)), 30_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('listening on port')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server-everything exited (${code}): ${output}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}

/**
 * A reverse proxy in front of an MCP server that lets a request through only when `allow`
 * accepts its headers (else 401), plus anything `extra` answers first (a token endpoint).
 */
export async function startGuardProxy(
  target: string,
  allow: (headers: Record<string, string | string[] | undefined>) => boolean,
  extra?: (path: string, body: string) => { status: number; json: unknown } | undefined,
): Promise<{ url: string; server: Server; seen: Record<string, string | string[] | undefined>[] }> {
  const seen: Record<string, string | string[] | undefined>[] = []
  const targetUrl = new URL(target)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const answer = extra?.(req.url ?? '', body.toString())
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(answer.json))
        return
      }
      seen.push(req.headers)
      if (!allow(req.headers)) {
        res.writeHead(401, { 'content-type': 'application/json' })
        res.end('{"error":"unauthorized"}')
        return
      }
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (response) => {
          res.writeHead(response.statusCode ?? 502, response.headers)
          response.pipe(res)
        },
      )
      upstream.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/mcp`, server, seen }
}
