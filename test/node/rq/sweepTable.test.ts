import {describe, expect, it} from "vitest";
import {SUITES} from "../../../src/lib/eval/suites.js";
import {SWEEP_METRICS, sweepRows} from "../../../src/lib/rq/sweepTable.js";
import {teacherScores} from "../../../src/lib/rq/teacherScores.js";
import {runResult} from "./fixtures.js";

describe("sweepRows", () => {
  it("lists the average first, then the other groups, then every suite", () => {
    expect(SWEEP_METRICS.slice(0, 4).map((m) => m.key)).toEqual(["average", "classification", "shift", "retrieval"]);
    expect(SWEEP_METRICS.slice(4).map((m) => m.key)).toEqual(SUITES.map((s) => s.key));
  });

  it("scores each suite and takes group means from the evaluation library", () => {
    const score = (key: string) => (key.startsWith("shift/") ? 0.2 : key.startsWith("classification/") ? 0.6 : 0.4);
    const {rows, problems} = sweepRows([runResult("r", {contrastiveWeight: 0.25, distillWeight: 0.75, seed: 5, steps: 50, warmupSteps: 5}, score)]);
    expect(problems).toEqual([]);
    const [row] = rows;
    expect([row.contrastiveWeight, row.distillWeight, row.seed, row.student]).toEqual([0.25, 0.75, 5, "vim"]);
    expect(row.scores.classification).toBeCloseTo(0.6, 12);
    expect(row.scores.shift).toBeCloseTo(0.2, 12);
    expect(row.scores.retrieval).toBeCloseTo(0.4, 12);
    expect(row.scores.average).toBeCloseTo((3 * 0.6 + 5 * 0.2 + 4 * 0.4) / 12, 12);
    expect(row.scores["specialised/digit_strip"]).toBe(0.4);
    expect(row.recipe).toMatch(/steps=50/);
    expect(row.recipe).not.toMatch(/seed|distillWeight|student/);
  });

  it("reads another metric per suite (acc5) without group means", () => {
    const {rows} = sweepRows([runResult("r", {}, () => 0.5)], {metric: "acc5"});
    expect(rows[0].scores["classification/digits"]).toBeCloseTo(0.7, 12);
    expect(rows[0].scores.average).toBeUndefined();
  });

  it("keeps the suites of a run that lacks one, and says why it has no group means", () => {
    const run = runResult("r", {}, () => 0.5);
    const partial = {...run, lines: run.lines.filter((l) => l.key !== "retrieval/scenes")};
    const {rows, problems} = sweepRows([partial]);
    expect(rows[0].scores.average).toBeUndefined();
    expect(rows[0].scores["classification/digits"]).toBe(0.5);
    expect(problems).toEqual([expect.stringMatching(/data\/runs\/test\/r\.json: no group means \(aggregateScores: results lack main_metric for retrieval\/scenes\)/)]);
  });
});

describe("teacherScores", () => {
  it("scores a teacher's eval_results.jsonl like a run, and reports a broken one", () => {
    const lines = runResult("t", {}, (k) => (k.startsWith("shift/") ? 0.5 : 0.7)).lines.map((l) => JSON.stringify(l)).join("\n");
    const {teachers, problems} = teacherScores([
      {name: "teacher-a", source: "data/teachers/teacher-a.eval.jsonl", text: lines},
      {name: "teacher-b", source: "data/teachers/teacher-b.eval.jsonl", text: '{"key": 3, "metrics": {}}'}
    ]);
    expect(teachers.map((t) => t.name)).toEqual(["teacher-a"]);
    expect(teachers[0].scores.shift).toBeCloseTo(0.5, 12);
    expect(teachers[0].scores.average).toBeCloseTo((7 * 0.7 + 5 * 0.5) / 12, 12);
    expect(problems).toEqual([expect.stringMatching(/^data\/teachers\/teacher-b\.eval\.jsonl, line 1, field "key"/)]);
  });
});
