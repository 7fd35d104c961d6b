import {median, type LatencyPoint} from "./latencyStudy.js";

/**
 * One study's points from several runs of it, each point's passes from every run put together.
 * Runs repeated minutes apart meet different loads on a shared machine; pooling their passes
 * lets the median and its bootstrap see that spread, where one run's passes, seconds apart,
 * share one moment's load. A point measured in any run is measured, with the passes it has;
 * one skipped in every run keeps the first run's reason.
 */
export function poolRuns(runs: readonly (readonly LatencyPoint[])[]): LatencyPoint[] {
  if (runs.length === 0) throw new Error("poolRuns: runs must not be empty");
  const key = (p: LatencyPoint) => JSON.stringify([p.backend, p.batch, p.imageSize, p.encoder]);
  const groups = new Map<string, LatencyPoint[]>();
  for (const run of runs) for (const p of run) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
  return [...groups.values()].map((group) => {
    const measured = group.filter((p) => p.status === "measured");
    if (measured.length === 0) return group[0];
    const timesMs = measured.flatMap((p) => p.timesMs);
    const withCpu = measured.every((p) => p.cpuTimesMs !== null);
    const cpuTimesMs = withCpu ? measured.flatMap((p) => p.cpuTimesMs!) : null;
    return {...measured[0], timesMs, medianMs: median(timesMs), cpuTimesMs, medianCpuMs: cpuTimesMs === null ? null : median(cpuTimesMs)};
  });
}
