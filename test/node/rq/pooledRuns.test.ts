import {describe, expect, it} from "vitest";
import {poolRuns} from "../../../src/lib/rq/pooledRuns.js";
import {cpuPasses, latencyPoint} from "./fixtures.js";

const point = (encoder: "vim" | "vit", imageSize: number, times: number[] | null, cpu: number[] | null = times && times.map((t) => t / 2)) =>
  latencyPoint(encoder, imageSize, times, cpu ? cpuPasses(cpu) : {cpuTimesMs: times ? null : []});

describe("poolRuns", () => {
  it("puts each point's passes from every run together and takes their medians, in the first run's order", () => {
    const pooled = poolRuns([
      [point("vim", 64, [10, 12]), point("vit", 64, [5])],
      [point("vit", 64, [7, 9]), point("vim", 64, [30])]
    ]);
    expect(pooled.map((p) => p.encoder)).toEqual(["vim", "vit"]);
    expect(pooled[0]).toMatchObject({timesMs: [10, 12, 30], medianMs: 12, cpuTimesMs: [5, 6, 15], medianCpuMs: 6});
    expect(pooled[1]).toMatchObject({timesMs: [5, 7, 9], medianMs: 7});
  });

  it("keeps a point measured in some runs, a skipped one's reason, and drops CPU times when a run had none", () => {
    const pooled = poolRuns([[point("vim", 64, null), point("vit", 64, null)], [point("vim", 64, [4, 6]), point("vit", 64, null)]]);
    expect(pooled[0]).toMatchObject({status: "measured", timesMs: [4, 6], medianMs: 5, reason: null});
    expect(pooled[1]).toMatchObject({status: "skipped", reason: "skipped in a run", medianMs: null});
    const mixed = poolRuns([[point("vim", 64, [4], null)], [point("vim", 64, [6])]]);
    expect(mixed[0]).toMatchObject({cpuTimesMs: null, medianCpuMs: null, timesMs: [4, 6]});
    expect(() => poolRuns([])).toThrow(/runs must not be empty/);
  });
});
