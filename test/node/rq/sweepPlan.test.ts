import {describe, expect, it} from "vitest";
import {isPlannedRun, sweepPlan} from "../../../src/lib/rq/sweepPlan.js";

describe("sweepPlan", () => {
  it("plans RQ1 as λ in eighths × seeds for the Vim student, with the poster's four settings among them", () => {
    const plan = sweepPlan("rq1", [1, 2, 3]);
    expect(plan).toHaveLength(27);
    expect(new Set(plan.map((r) => r.name)).size).toBe(27);
    expect(plan.every((r) => r.student === "vim" && r.contrastiveWeight + r.distillWeight === 1)).toBe(true);
    const weights = new Set(plan.map((r) => `${r.contrastiveWeight},${r.distillWeight}`));
    for (const poster of ["1,0", "0.75,0.25", "0.25,0.75", "0,1"]) expect(weights).toContain(poster);
    expect(plan.map((r) => r.name)).toContain("vim-wc0.875-wd0.125-seed2");
    expect(plan.find((r) => r.name === "vim-wc1-wd0-seed3")!.label).toBe("contrastive only (1, 0), seed 3");
    expect(plan.find((r) => r.name === "vim-wc0-wd1-seed1")!.label).toBe("distillation only (0, 1), seed 1");
  });

  it("plans RQ2 as both students at (0.25, 0.75) for every seed", () => {
    const plan = sweepPlan("rq2", [4, 5]);
    expect(plan.map((r) => r.name)).toEqual(["vim-wc0.25-wd0.75-seed4", "vim-wc0.25-wd0.75-seed5", "vit-wc0.25-wd0.75-seed4", "vit-wc0.25-wd0.75-seed5"]);
    expect(plan[2].label).toBe("ViT student, distillation (0.25, 0.75), seed 4");
  });

  it("keeps a finished run only when its settings and budget match", () => {
    const [run] = sweepPlan("rq1", [1]);
    const settings = {student: "vim", contrastiveWeight: 1, distillWeight: 0, seed: 1, steps: 150};
    expect(isPlannedRun(settings, run, 150)).toBe(true);
    expect(isPlannedRun(settings, run, 300)).toBe(false);
    expect(isPlannedRun({...settings, seed: 2}, run, 150)).toBe(false);
    expect(isPlannedRun({...settings, student: "vit"}, run, 150)).toBe(false);
  });

  it("rejects bad seeds and unknown studies by name", () => {
    expect(() => sweepPlan("rq1", [])).toThrow(/seeds must be distinct positive integers, got \[\]/);
    expect(() => sweepPlan("rq1", [1, 1])).toThrow(/seeds must be distinct positive integers, got \[1, 1\]/);
    expect(() => sweepPlan("rq3" as "rq1", [1])).toThrow(/study must be "rq1" or "rq2", got "rq3"/);
  });
});
