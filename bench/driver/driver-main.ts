import type { DriverCommand, DriverJob, DriverReport, DriverResult } from '../protocol.ts'
import { runHoldJob } from './hold-job.ts'
import { runLoadJob } from './load-job.ts'
import { runStreamJob } from './stream-job.ts'

// The load driver: its own process, so generating load never shares an event loop with the
// server measured. Jobs come one at a time from the runner over IPC.

function run(job: DriverJob): Promise<DriverResult> {
  switch (job.type) {
    case 'load':
      return runLoadJob(job)
    case 'stream':
      return runStreamJob(job)
    case 'hold':
      return runHoldJob(job)
  }
}

const send = (report: DriverReport) => process.send?.(report)

process.on('message', (command: DriverCommand) => {
  run(command.job).then(
    (result) => send({ type: 'done', id: command.id, result }),
    (error: unknown) =>
      send({
        type: 'failed',
        id: command.id,
        message: error instanceof Error ? error.message : String(error),
      }),
  )
})
process.once('disconnect', () => process.exit(0))
