import {cpus, platform, release, totalmem} from "node:os";

/** The machine a benchmark ran on, written beside every figure. */
export function machineInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString()
  };
}
