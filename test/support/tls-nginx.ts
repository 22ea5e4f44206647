import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { userInfo } from 'node:os'
import path from 'node:path'

/** Debian's nginx. */
export const nginxBinary = '/usr/sbin/nginx'

/** A free TCP port on 127.0.0.1 (closed again, so the caller can bind it). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Writes `cert.pem` and `key.pem` (self-signed, for 127.0.0.1) into `dir` with the openssl CLI; returns the cert. */
export async function createSelfSignedCertificate(dir: string): Promise<Buffer> {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore', timeout: 10_000 },
  )
  return readFile(path.join(dir, 'cert.pem'))
}

/** `proxy_*` directives that forward the public scheme, host and a stripped prefix to a trusted backend. */
export function forwardingDirectives(prefix: string): string {
  return `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Prefix ${prefix};`
}

/** A whole nginx.conf: one TLS server on `port` (cert and key from `dir`) with the given `location` blocks. */
export function tlsNginxConfig(options: { dir: string; port: number; locations: string }): string {
  const { dir, port } = options
  // Workers of a root master default to `nobody`, which cannot use this user's temp folder.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username} root;` : ''
  return `
${user}
worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
${options.locations}
  }
}
`
}

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `nginx exited with ${child.exitCode}:\n${await readFile(errorLog, 'utf8').catch(() => '')}`,
      )
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`nginx did not listen on ${port} within 5 s`)
}

export interface RunningNginx {
  /** `https://127.0.0.1:<port>` */
  origin: string
  stop(): Promise<void>
}

/** Writes `config` to `<dir>/nginx.conf`, starts nginx in the foreground and waits until it listens. */
export async function startNginx(options: {
  dir: string
  port: number
  config: string
}): Promise<RunningNginx> {
  const { dir, port } = options
  await writeFile(path.join(dir, 'nginx.conf'), options.config)
  const errorLog = path.join(dir, 'error.log')
  const child = spawn(
    nginxBinary,
    [
      '-p',
      dir,
      '-e',
      errorLog,
      '-c',
      path.join(dir, 'nginx.conf'),
      '-g',
      `daemon off; pid ${dir}/nginx.pid;`,
    ],
    { stdio: 'ignore' },
  )
  await waitForPort(port, child, errorLog)
  return {
    origin: `https://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}
