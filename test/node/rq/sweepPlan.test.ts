import {describe, expect, it} from "vitest";
import {isPlannedRun, sweepPlan} from "../../../src/lib/rq/sweepPlan.js";

describe("sweepPlan", () => {
  it("plans RQ1 as λ in eighths × seeds for the Vim student, with the poster's four settings among them", () => {
    const plan = sweepPlan("rq1", [1, 2, 3]);
    // 9 weights × 3 seeds, and the no-DR arm at the poster's weighting.
    expect(plan).toHaveLength(30);
    expect(new Set(plan.map((r) => r.name)).size).toBe(30);
    expect(plan.every((r) => r.student === "vim" && r.contrastiveWeight + r.distillWeight === 1)).toBe(true);
    expect(plan.filter((r) => !r.dr).map((r) => r.name)).toEqual(["vim-wc0.25-wd0.75-nodr-seed1", "vim-wc0.25-wd0.75-nodr-seed2", "vim-wc0.25-wd0.75-nodr-seed3"]);
    const weights = new Set(plan.map((r) => `${r.contrastiveWeight},${r.distillWeight}`));
    for (const poster of ["1,0", "0.75,0.25", "0.25,0.75", "0,1"]) expect(weights).toContain(poster);
    expect(plan.map((r) => r.name)).toContain("vim-wc0.875-wd0.125-seed2");
    expect(plan.find((r) => r.name === "vim-wc1-wd0-seed3")!.label).toBe("contrastive only (1, 0), seed 3");
    expect(plan.find((r) => r.name === "vim-wc0-wd1-seed1")!.label).toBe("distillation only (0, 1), seed 1");
  });

  it("gives the poster's four weightings and the no-DR arm the extra seeds, the primary comparison trained first", () => {
    const plan = sweepPlan("rq1", [1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(plan).toHaveLength(5 * 3 + 4 * 8 + 8);
    const count = (wd: number, dr = true) => plan.filter((r) => r.distillWeight === wd && r.dr === dr).length;
    expect([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1].map((wd) => count(wd))).toEqual([8, 3, 8, 3, 3, 3, 8, 3, 8]);
    expect(count(0.75, false)).toBe(8);
    expect(plan.slice(0, 4).map((r) => r.name)).toEqual(["vim-wc1-wd0-seed1", "vim-wc0.25-wd0.75-seed1", "vim-wc1-wd0-seed2", "vim-wc0.25-wd0.75-seed2"]);
    expect(plan.slice(0, 16).every((r) => r.dr && (r.distillWeight === 0 || r.distillWeight === 0.75))).toBe(true);
    expect(plan.find((r) => r.name === "vim-wc0.25-wd0.75-nodr-seed8")!.label).toBe("distillation (0.25, 0.75) without the DR loss, seed 8");
  });

  it("plans RQ2 as both students at (0.25, 0.75) for every seed", () => {
    const plan = sweepPlan("rq2", [4, 5]);
    expect(plan.map((r) => r.name)).toEqual(["vim-wc0.25-wd0.75-seed4", "vim-wc0.25-wd0.75-seed5", "vit-wc0.25-wd0.75-seed4", "vit-wc0.25-wd0.75-seed5"]);
    expect(plan[2].label).toBe("ViT student, distillation (0.25, 0.75), seed 4");
  });

  it("keeps a finished run only when its settings and budget match", () => {
    const [run] = sweepPlan("rq1", [1]);
    const settings = {student: "vim", contrastiveWeight: 1, distillWeight: 0, seed: 1, steps: 150, dr: true};
    expect(isPlannedRun(settings, run, 150)).toBe(true);
    expect(isPlannedRun(settings, run, 300)).toBe(false);
    expect(isPlannedRun({...settings, seed: 2}, run, 150)).toBe(false);
    expect(isPlannedRun({...settings, student: "vit"}, run, 150)).toBe(false);
    expect(isPlannedRun({...settings, dr: false}, run, 150)).toBe(false);
  });

  it("rejects bad seeds and unknown studies by name", () => {
    expect(() => sweepPlan("rq1", [])).toThrow(/seeds must be distinct positive integers, got \[\]/);
    expect(() => sweepPlan("rq1", [1], [0])).toThrow(/posterSeeds must be distinct positive integers, got \[0\]/);
    expect(() => sweepPlan("rq1", [1, 1])).toThrow(/seeds must be distinct positive integers, got \[1, 1\]/);
    expect(() => sweepPlan("rq3" as "rq1", [1])).toThrow(/study must be "rq1" or "rq2", got "rq3"/);
  });
});
