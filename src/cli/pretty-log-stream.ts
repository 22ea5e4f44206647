import { Writable } from 'node:stream'
import pc from 'picocolors'

const levels: Record<number, { label: string; paint: (text: string) => string }> = {
  10: { label: 'TRACE', paint: pc.gray },
  20: { label: 'DEBUG', paint: pc.gray },
  30: { label: 'INFO ', paint: pc.cyan },
  40: { label: 'WARN ', paint: pc.yellow },
  50: { label: 'ERROR', paint: pc.red },
  60: { label: 'FATAL', paint: pc.bgRed },
}

const hidden = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v'])

/** Formats one pino JSON line for a terminal: `12:00:01 INFO  message key=value`. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const level = levels[Number(record.level)] ?? { label: String(record.level), paint: (text: string) => text }
  const time = new Date(Number(record.time) || Date.now()).toTimeString().slice(0, 8)
  const fields = Object.entries(record)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]) => {
      if (key === 'err' && value && typeof value === 'object')
        return `\n${String((value as { stack?: string }).stack ?? JSON.stringify(value))}`
      return `${pc.dim(`${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`
    })
    .join(' ')
  return `${pc.dim(time)} ${level.paint(level.label)} ${String(record.msg ?? '')}${fields ? ` ${fields}` : ''}`
}

/** A stream that receives pino's JSON lines and writes them readable to `target`. */
export function createPrettyLogStream(target: NodeJS.WritableStream = process.stderr): Writable {
  let pending = ''
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) target.write(`${formatLogLine(line)}\n`)
      callback()
    },
  })
}
