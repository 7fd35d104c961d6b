import {describe, expect, it} from "vitest";
import {recordedFindings, runPoints, type RecordedRun} from "../../../src/lib/rq/recordedLatency.js";
import {cpuPasses, latencyPoint} from "./fixtures.js";

const point = (encoder: "vim" | "vit", imageSize: number, batch: number, wall: number[], cpu?: number[]) => latencyPoint(encoder, imageSize, wall, {batch, ...(cpu ? cpuPasses(cpu) : {})});
const load = {loadAverage1m: 9};
// Wall time says Vim is 3× slower at 64 px (a busy moment); CPU time says 2×.
const run = (cpu: boolean): RecordedRun => ({
  runtime: "Node",
  backend: "wasm",
  loadBefore: load,
  complete: true,
  points: [
    point("vim", 64, 1, [29, 30, 31], cpu ? [19, 20, 21] : undefined),
    point("vit", 64, 1, [9, 10, 11], cpu ? [9, 10, 11] : undefined),
    point("vim", 128, 1, [39, 40, 41], cpu ? [29, 30, 31] : undefined),
    point("vit", 128, 1, [29, 30, 31], cpu ? [29, 30, 31] : undefined),
    point("vim", 64, 32, [299, 300, 301], cpu ? [199, 200, 201] : undefined),
    point("vit", 64, 32, [99, 100, 101], cpu ? [99, 100, 101] : undefined)
  ]
});

describe("recordedFindings", () => {
  it("summarises a recorded run afresh on both clocks, batch by batch, with targets at batch 1", () => {
    const [wall, cpu] = recordedFindings(run(true), {posterRatio: 0.5});
    expect([wall.clock, cpu.clock]).toEqual(["wall", "CPU"]);
    expect(wall.summaries.map((s) => s.batch)).toEqual([1, 32]);
    expect(wall.summaries[0].native!.ratio).toBeCloseTo(3, 12);
    expect(cpu.summaries[0].native!.ratio).toBeCloseTo(2, 12);
    expect(cpu.summaries[0].native!.interval).not.toBeNull();
    expect(cpu.summaries[0].vitAsFastThroughout).toBe(true);
    expect(cpu.targets!.vimExponent).toBeCloseTo(Math.log(30 / 20) / Math.log(257 / 65), 12);
  });

  it("reads recordings made before CPU timing as wall time only", () => {
    const findings = recordedFindings(run(false));
    expect(findings.map((f) => f.clock)).toEqual(["wall"]);
    expect(runPoints(run(false)).every((p) => p.cpuTimesMs === null && p.medianCpuMs === null)).toBe(true);
  });
});
