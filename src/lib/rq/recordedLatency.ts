import {onCpuClock} from "./latencyClocks.js";
import {STUDENT_TOKENS, type LatencyPoint} from "./latencyStudy.js";
import {summariseLatency, type LatencySummary, type TimedPoint} from "./latencySummary.js";
import {latencyTargets, type LatencyTargets} from "./latencyTargets.js";

interface Load {
  readonly loadAverage1m: number;
}

/** One runtime's run in data/bench/latency.json; recordings before CPU timing lack cpuTimesMs. */
export interface RecordedRun {
  readonly runtime: string;
  readonly backend: string;
  readonly loadBefore: Load;
  readonly loadAfter?: Load;
  readonly rounds?: readonly {readonly loadBefore: Load; readonly loadAfter?: Load}[];
  readonly complete: boolean;
  readonly points: readonly (Omit<LatencyPoint, "cpuTimesMs" | "medianCpuMs"> & Partial<Pick<LatencyPoint, "cpuTimesMs" | "medianCpuMs">>)[];
}

/** data/bench/latency.json as `npm run bench:latency` writes it, earlier recordings kept under `earlier`, newest first. */
export interface RecordedLatency {
  readonly machine: {readonly cpu: string; readonly cores: number; readonly date: string};
  readonly note: string;
  readonly runs: readonly RecordedRun[];
  readonly earlier?: readonly Omit<RecordedLatency, "earlier">[];
}

export type LatencyClockName = "wall" | "CPU";

/** What one clock says of a run: a summary per batch, and the targets judged at batch 1. */
export interface ClockFindings {
  readonly clock: LatencyClockName;
  readonly points: readonly TimedPoint[];
  readonly summaries: readonly LatencySummary[];
  readonly targets: LatencyTargets | null;
}

/** The run's points with CPU times made explicit (null: not recorded). */
export function runPoints(run: RecordedRun): LatencyPoint[] {
  return run.points.map((p) => ({...p, cpuTimesMs: p.cpuTimesMs ?? null, medianCpuMs: p.medianCpuMs ?? null}));
}

/**
 * A recorded run summarised afresh from its points, on the wall clock and, where the runtime had
 * one, the CPU clock, so the page states what the committed passes say rather than what the
 * benchmark's code said when it wrote them.
 */
export function recordedFindings(run: RecordedRun, {posterRatio}: {posterRatio?: number} = {}): ClockFindings[] {
  const points = runPoints(run);
  const clocks: [LatencyClockName, TimedPoint[]][] = [["wall", points], ["CPU", onCpuClock(points)]];
  return clocks
    .filter(([, timed]) => timed.length > 0)
    .map(([clock, timed]) => {
      const batches = [...new Set(timed.map((p) => p.batch))].sort((a, b) => a - b);
      const summaries = batches.map((b) => summariseLatency(timed, b, {posterRatio, nativeTokens: STUDENT_TOKENS}));
      const batch1 = summaries.find((s) => s.batch === 1);
      return {clock, points: timed, summaries, targets: batch1 ? latencyTargets(batch1) : null};
    });
}
