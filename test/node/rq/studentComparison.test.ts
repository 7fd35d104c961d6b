import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parsePosterRq2} from "../../../src/lib/rq/posterRq2.js";
import {claimComparisons} from "../../../src/lib/rq/rq2Claims.js";
import {compareStudents} from "../../../src/lib/rq/studentComparison.js";
import {sweepRows} from "../../../src/lib/rq/sweepTable.js";
import {runResult} from "./fixtures.js";

const SETTINGS = {contrastiveWeight: 0.25, distillWeight: 0.75, steps: 100, warmupSteps: 10};
// Vim is 5 points ahead on the digit strip and 2 behind elsewhere, seed by seed.
const runs = [1, 2, 3].flatMap((seed) => [
  runResult(`vim-${seed}`, {...SETTINGS, student: "vim", seed}, (k) => 0.4 + 0.01 * seed + (k === "specialised/digit_strip" ? 0.05 : -0.02)),
  runResult(`vit-${seed}`, {...SETTINGS, student: "vit", seed}, () => 0.4 + 0.01 * seed)
]);

describe("compareStudents", () => {
  it("pairs the two students by seed on every score", () => {
    const {scores, excluded} = compareStudents(sweepRows(runs).rows);
    expect(excluded).toEqual([]);
    const strip = scores.find((s) => s.metric.key === "specialised/digit_strip")!;
    expect(strip.vim!.n).toBe(3);
    expect(strip.difference).toMatchObject({pairs: 3, wins: 3});
    expect(strip.difference!.mean).toBeCloseTo(0.05, 12);
    const digits = scores.find((s) => s.metric.key === "classification/digits")!;
    expect(digits.difference!.mean).toBeCloseTo(-0.02, 12);
    expect(digits.difference!.wins).toBe(0);
  });

  it("leaves out runs trained otherwise, naming the difference", () => {
    const longer = runResult("vit-long", {...SETTINGS, steps: 500, student: "vit", seed: 1}, () => 0.9);
    const {scores, excluded} = compareStudents(sweepRows([...runs, longer]).rows);
    expect(excluded).toEqual([expect.stringMatching(/^vit-long: trained with other settings than vim-1 \(.*steps=500.* vs .*steps=100.*\)$/)]);
    expect(scores[0].vit!.n).toBe(3);
  });

  it("keeps a metric with one student only, without a difference", () => {
    const {scores} = compareStudents(sweepRows(runs.filter((r) => r.settings.student === "vim")).rows);
    expect(scores[0].vit).toBeNull();
    expect(scores[0].difference).toBeNull();
  });
});

describe("claimComparisons", () => {
  it("sets each poster claim beside the scores that stand for it", () => {
    const claims = parsePosterRq2(readFileSync("data/paper/dmclip_rq2.csv", "utf8"), "rq2.csv");
    const main = compareStudents(sweepRows(runs).rows).scores;
    const acc5 = compareStudents(sweepRows(runs, {metric: "acc5"}).rows).scores;
    const rows = claimComparisons(claims, main, acc5);
    expect(rows.map((r) => [r.claim.claim, r.posterPercent, r.metric, r.ours.map((o) => o.metric.key)])).toEqual([
      ["performance_drop", -0.12, "main_metric", ["average"]],
      ["svhn_accuracy_gain", 6.6, "main_metric", ["specialised/digit_strip"]],
      ["eurosat_acc5_gain", 19.4, "acc5", ["specialised/objects_128", "specialised/objects_256"]]
    ]);
    expect(rows[1].ours[0].difference!.mean).toBeCloseTo(0.05, 12);
  });
});
