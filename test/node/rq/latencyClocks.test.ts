import {cpus} from "node:os";
import {describe, expect, it} from "vitest";
import {onCpuClock, processCpuClock} from "../../../src/lib/rq/latencyClocks.js";
import type {LatencyPoint} from "../../../src/lib/rq/latencyStudy.js";

describe("processCpuClock", () => {
  it("counts this process's CPU time in Node: busy work moves it, no faster than the cores allow", () => {
    const clock = processCpuClock()!;
    expect(clock).not.toBeNull();
    const cpu0 = clock();
    const wall0 = performance.now();
    let x = 0;
    while (performance.now() - wall0 < 100) x += Math.sqrt(x + 1);
    const cpu = clock() - cpu0;
    const wall = performance.now() - wall0;
    expect(x).toBeGreaterThan(0);
    // Even on a busy machine the loop gets some of the 100 ms; the process cannot use more than every core.
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(wall * cpus().length + 1);
  });

  it("is null where the runtime has no CPU clock", () => {
    const saved = globalThis.process.cpuUsage;
    try {
      (globalThis.process as {cpuUsage?: unknown}).cpuUsage = undefined;
      expect(processCpuClock()).toBeNull();
    } finally {
      globalThis.process.cpuUsage = saved;
    }
  });
});

describe("onCpuClock", () => {
  const base = {encoder: "vim", backend: "wasm", batch: 1, imageSize: 64, tokens: 65, parameters: 1, estimatedPeakBytes: 1, reason: null} as const;
  it("reads each point on its CPU times, and gives nothing for points timed without a CPU clock", () => {
    const timed: LatencyPoint = {...base, status: "measured", medianMs: 50, timesMs: [40, 50, 60], cpuTimesMs: [10, 20, 30], medianCpuMs: 20};
    expect(onCpuClock([timed])).toEqual([{...timed, medianMs: 20, timesMs: [10, 20, 30]}]);
    expect(onCpuClock([{...timed, cpuTimesMs: null, medianCpuMs: null}])).toEqual([]);
  });
});
