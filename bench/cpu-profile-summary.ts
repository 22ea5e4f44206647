import { readFileSync } from 'node:fs'
import path from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
}

/** Where a function lives: our source file, a package, or Node itself. */
function areaOf(url: string, root: string): string {
  if (url === '') return '(native / idle / gc)'
  if (url.startsWith('node:')) return 'node internals'
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url
  const inModules = file.lastIndexOf('/node_modules/')
  if (inModules >= 0) {
    const rest = file.slice(inModules + '/node_modules/'.length).split('/')
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]) ?? file
  }
  return path.relative(root, file)
}

/**
 * Summarizes a `--cpu-prof` profile: self time by function and by area (our files, each
 * package, Node internals), as percentages of the samples.
 */
export function summarizeCpuProfile(file: string, root: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0)
  const byFunction = new Map<string, number>()
  const byArea = new Map<string, number>()
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const area = areaOf(url, root)
    const name = `${functionName || '(anonymous)'} ${area}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits)
    byArea.set(area, (byArea.get(area) ?? 0) + hits)
  }
  // Inclusive time of our own functions: a sample counts once for every src/ function on its stack.
  const inclusive = new Map<string, number>()
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const walk = (node: ProfileNode, onStack: ReadonlySet<string>): number => {
    const { functionName, url, lineNumber } = node.callFrame
    const area = areaOf(url, root)
    const key = `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`
    const own = area.startsWith('src/') && !onStack.has(key)
    const stack = own ? new Set([...onStack, key]) : onStack
    let hits = node.hitCount ?? 0
    for (const child of node.children ?? []) {
      const childNode = nodes.get(child)
      if (childNode) hits += walk(childNode, stack)
    }
    if (own) inclusive.set(key, (inclusive.get(key) ?? 0) + hits)
    return hits
  }
  const rootNode = profile.nodes[0]
  if (rootNode) walk(rootNode, new Set())
  const percent = (hits: number) => `${((hits / total) * 100).toFixed(1)}%`
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => `  ${percent(hits).padStart(6)}  ${name}`)
  return [
    `${path.basename(file)}: ${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
    'Self time by area:',
    ...ranked(byArea),
    'Self time by function:',
    ...ranked(byFunction),
    'Total time (self + callees) of our own functions:',
    ...ranked(inclusive),
  ].join('\n')
}
