import {describe, expect, it} from "vitest";
import {sweepPlan} from "../../../src/lib/rq/sweepPlan.js";
import {sweepProgress} from "../../../src/lib/rq/sweepProgress.js";
import {runResult} from "./fixtures.js";

const plan = sweepPlan("rq1", [1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8]);
const run = (wd: number, seed: number, dr = true) => runResult(`wd${wd}-s${seed}`, {contrastiveWeight: 1 - wd, distillWeight: wd, seed, dr}, () => 0.5);

describe("sweepProgress", () => {
  it("counts each arm's finished seeds, the primary pair first and marked", () => {
    const p = sweepProgress(plan, [run(0, 1), run(0.75, 1), run(0, 2), run(0.75, 1, false), run(0.5, 3)]);
    expect(p.planned).toBe(55);
    expect(p.finished).toBe(5);
    expect(p.arms.slice(0, 2).map((a) => [a.distillWeight, a.dr, a.primary, a.finishedSeeds, a.plannedSeeds.length])).toEqual([
      [0, true, true, [1, 2], 8],
      [0.75, true, true, [1], 8]
    ]);
    expect(p.arms.find((a) => !a.dr)).toMatchObject({distillWeight: 0.75, primary: false, finishedSeeds: [1]});
    expect(p.arms.find((a) => a.distillWeight === 0.5)).toMatchObject({finishedSeeds: [3], plannedSeeds: [1, 2, 3]});
    expect(p.arms.reduce((n, a) => n + a.plannedSeeds.length, 0)).toBe(55);
    expect(p.unplanned).toEqual([]);
  });

  it("names runs the plan does not have, and does not count them", () => {
    const p = sweepProgress(plan, [run(0, 9), run(0.3, 1)]);
    expect(p.finished).toBe(0);
    expect(p.unplanned).toEqual(["data/runs/test/wd0-s9.json", "data/runs/test/wd0.3-s1.json"]);
  });
});
