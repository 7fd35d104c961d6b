import type {LatencyPoint} from "./latencyStudy.js";
import type {TimedPoint} from "./latencySummary.js";

/** Reads a clock in milliseconds; only differences between two readings mean anything. */
export type Clock = () => number;

/**
 * The process's CPU time (user + system, all its threads) where the runtime exposes one: Node's
 * process.cpuUsage. A shared machine stretches wall time by however long other jobs hold the
 * cores, and CPU time much less, so the two read together tell load from cost. Browsers have no
 * CPU clock: null there, and the study keeps wall time alone.
 */
export function processCpuClock(): Clock | null {
  const proc = (globalThis as {process?: {cpuUsage?: () => {user: number; system: number}}}).process;
  const usage = proc?.cpuUsage;
  if (typeof usage !== "function") return null;
  return () => {
    const u = usage.call(proc);
    return (u.user + u.system) / 1000;
  };
}

/** The points as read on the CPU clock, for the same summaries as wall time; [] where there was none. */
export function onCpuClock(points: readonly LatencyPoint[]): TimedPoint[] {
  return points.flatMap((p) => (p.cpuTimesMs === null ? [] : [{...p, medianMs: p.medianCpuMs, timesMs: p.cpuTimesMs}]));
}
