/*
 * `agentgw … | head -c 10` closes the pipe while we still write: Node then reports EPIPE as an
 * unhandled 'error' event with a stack trace. A closed stdout means the reader is done, so the
 * command ends quietly — with 0, as `yes | head` does.
 */

/** Exits quietly when stdout or stderr is closed by the reader. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0)
      throw error
    })
  }
}
