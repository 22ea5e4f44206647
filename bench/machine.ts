import os from 'node:os'

/** The machine a run measured on, read when the run starts. */
export interface MachineInfo {
  cores: number
  cpuModel: string
  memoryBytes: number
  node: string
  platform: string
  kernel: string
  /** 1-minute load average when the run started: other work on the machine skews results. */
  loadAverage: number
}

export function readMachineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage: os.loadavg()[0] ?? 0,
  }
}
