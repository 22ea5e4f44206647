/**
 * A one-consumer async queue: producers `push`, the consumer iterates. `close()` ends the
 * iteration after what was queued; when the consumer stops early, `onCancel` runs.
 */
export interface EventChannel<T> extends AsyncIterable<T> {
  push(item: T): void
  close(): void
}

export function createEventChannel<T>(onCancel: () => void): EventChannel<T> {
  const queue: T[] = []
  let closed = false
  let wake: (() => void) | undefined
  return {
    push(item) {
      if (closed) return
      queue.push(item)
      wake?.()
    },
    close() {
      closed = true
      wake?.()
    },
    async *[Symbol.asyncIterator]() {
      try {
        while (true) {
          const item = queue.shift()
          if (item !== undefined) {
            yield item
            continue
          }
          if (closed) return
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
      } finally {
        if (!closed) {
          closed = true
          onCancel()
        }
      }
    },
  }
}
