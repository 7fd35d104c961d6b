import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {aggregateScores, labGroupMeans} from "../../../src/lib/eval/labGroups.js";
import {SUITES} from "../../../src/lib/eval/suites.js";
import {compareRuns, metricNames, type ResultRun} from "../../../src/lib/results/comparison.js";
import {labMeansFromFile} from "../../fixtures/results/labMeans.js";
import {DATACOMP_GROUPS} from "../../../src/lib/results/dataCompGroups.js";
import {parseEvalResults, type EvalRecord} from "../../../src/lib/results/evalResults.js";
import {dataCompGroupMeans, groupMeans} from "../../../src/lib/results/groupMeans.js";

const load = (file: string) => parseEvalResults(readFileSync(`test/fixtures/results/${file}`, "utf8"), file).records;
const run = (id: string, records: readonly EvalRecord[]): ResultRun => ({id, name: id, source: id, records});
const rec = (key: string, metrics: Record<string, number | null>): EvalRecord => ({key, dataset: key.toUpperCase(), metrics});

// Expected means worked out by hand from the values listed in test/fixtures/results/README.md.
const EXPECTED_A = {"datacomp/imagenet": 0.6, "datacomp/imagenet-shifts": 2.8 / 6, "datacomp/vtab": 6.6 / 13, "datacomp/retrieval": 1.55 / 3, "datacomp/average": 19.15 / 38};
const EXPECTED_B = {"datacomp/imagenet": 0.55, "datacomp/imagenet-shifts": 2.85 / 5, "datacomp/vtab": 7.26 / 13, "datacomp/retrieval": 1.7 / 3, "datacomp/average": 20.71 / 37};

describe("DataComp groups", () => {
  it("name the 6 distribution shifts, 13 VTAB tasks and 3 retrieval tasks by DataComp's task keys", () => {
    const keys = Object.fromEntries(DATACOMP_GROUPS.map((g) => [g.id, g.keys]));
    expect((keys["datacomp/imagenet-shifts"] as string[]).length).toBe(6);
    expect((keys["datacomp/vtab"] as string[]).length).toBe(13);
    expect(keys["datacomp/vtab"]).toEqual(expect.arrayContaining(["vtab/svhn", "vtab/eurosat", "sun397"]));
    expect(keys["datacomp/retrieval"]).toEqual(["retrieval/flickr30k", "retrieval/mscoco_2014_5k_test_image_text_retrieval", "misc/winogavil"]);
    expect(keys["datacomp/average"]).toBe("all");
  });
});

describe("groupMeans", () => {
  it.each([
    ["datacomp-a.jsonl", EXPECTED_A],
    ["datacomp-b.jsonl", EXPECTED_B]
  ])("gives DataComp's group means for %s, skipping NaN and null", (file, expected) => {
    const means = groupMeans(load(file), DATACOMP_GROUPS);
    for (const m of means) expect(m.mean, m.group.id).toBeCloseTo(expected[m.group.id as keyof typeof expected], 12);
  });

  it("counts what each mean averaged", () => {
    const means = Object.fromEntries(groupMeans(load("datacomp-b.jsonl"), DATACOMP_GROUPS).map((m) => [m.group.id, m]));
    expect([means["datacomp/imagenet-shifts"].count, means["datacomp/imagenet-shifts"].expected]).toEqual([5, 6]);
    expect([means["datacomp/average"].count, means["datacomp/average"].expected]).toEqual([37, 40]);
  });

  it("averages another metric when asked, and gives null for a group with no value", () => {
    const records = [rec("imagenet1k", {acc1: 0.5, acc5: 0.8}), rec("cifar10", {acc1: 0.25})];
    const means = groupMeans(records, DATACOMP_GROUPS, "acc5");
    expect(means.find((m) => m.group.id === "datacomp/average")!.mean).toBe(0.8);
    expect(means.find((m) => m.group.id === "datacomp/vtab")).toMatchObject({mean: null, count: 0, expected: 13});
  });
});

describe("compareRuns", () => {
  const a = run("a", load("datacomp-a.jsonl"));
  const b = run("b", load("datacomp-b.jsonl"));

  it("puts runs side by side with group means, best marked and deltas against the baseline", () => {
    const c = compareRuns([a, b], {scorers: [dataCompGroupMeans], baseline: "a", scale: 100});
    expect(c.groups.map((g) => g.id)).toEqual(["datacomp/imagenet", "datacomp/imagenet-shifts", "datacomp/vtab", "datacomp/retrieval", "datacomp/average"]);
    const imagenet = c.groups[0];
    expect(imagenet.values[0]).toBeCloseTo(60, 10);
    expect(imagenet.values[1]).toBeCloseTo(55, 10);
    expect(imagenet.best).toEqual([true, false]);
    expect(imagenet.deltas[0]).toBeNull();
    expect(imagenet.deltas[1]).toBeCloseTo(-5, 10);
    const vtab = c.groups[2];
    expect(vtab.values[1]).toBeCloseTo(EXPECTED_B["datacomp/vtab"] * 100, 10);
    expect(vtab.best).toEqual([false, true]);
    expect(c.groups[1].counts).toEqual([6, 5]);
    // "Average" is over every task some run has a value for: 38 (FairFace, UTKFace have none)
    expect([c.groups[4].counts, c.groups[4].expected]).toEqual([[38, 37], [38, 38]]);
    expect(c.tasks).toHaveLength(40);
    expect(c.tasks[0]).toMatchObject({kind: "task", id: "vtab/caltech101", label: "Caltech-101", best: [false, true]});
  });

  it("keeps every task any run has, in order of first appearance, with null where a run lacks it", () => {
    const c = compareRuns([run("x", [rec("t2", {m: 1})]), run("y", [rec("t1", {m: 2}), rec("t2", {m: 1})])], {scorers: [], metric: "m"});
    expect(c.tasks.map((t) => [t.id, t.label, t.values])).toEqual([
      ["t2", "T2", [1, 1]],
      ["t1", "T1", [null, 2]]
    ]);
    expect(c.tasks[0].best).toEqual([true, true]);
    expect(c.tasks[1].best).toEqual([false, false]);
    expect(c.tasks[1].deltas).toEqual([null, null]);
  });

  it("leaves out groups no run has, and refuses unknown baselines, duplicate ids and bad scales", () => {
    const only = run("o", [rec("imagenet1k", {main_metric: 0.5})]);
    expect(compareRuns([only], {scorers: [dataCompGroupMeans]}).groups.map((g) => g.id)).toEqual(["datacomp/imagenet", "datacomp/average"]);
    expect(() => compareRuns([only], {scorers: [], baseline: "z"})).toThrow('compareRuns: baseline "z" is not one of the runs\' ids');
    expect(() => compareRuns([only, only], {scorers: []})).toThrow("compareRuns: run ids must be unique, got o, o");
    expect(() => compareRuns([only], {scorers: [], scale: 0})).toThrow("compareRuns: scale must be a finite number > 0, got 0");
  });

  it("handles no runs", () => {
    expect(compareRuns([], {scorers: [dataCompGroupMeans]})).toMatchObject({runs: [], groups: [], tasks: []});
  });

  it("lists metric names with main_metric first", () => {
    expect(metricNames([run("x", [rec("a", {acc5: 1, main_metric: 1}), rec("b", {acc1: 1})])])).toEqual(["main_metric", "acc1", "acc5"]);
  });
});

describe("compareRuns with our suites' groups", () => {
  const ours = run("ours", SUITES.map((s, i) => rec(s.key, {main_metric: (i + 1) / 20})));
  const scorers = [labGroupMeans, dataCompGroupMeans];

  it("shows our groups, through the eval library's scorer, and DataComp's average is not repeated", () => {
    const c = compareRuns([ours], {scorers});
    expect(c.groups.map((g) => g.id)).toEqual(["classification", "shift", "retrieval", "average"]);
    const byId = Object.fromEntries(c.groups.map((g) => [g.id, g.values[0]]));
    expect(byId).toEqual(aggregateScores(ours.records));
    // by hand: suites 1–3 are classification, 4–8 shifts, 9 retrieval, 1–12 the average
    expect(byId.classification).toBeCloseTo(0.1, 12);
    expect(byId.shift).toBeCloseTo(0.3, 12);
    expect(byId.retrieval).toBeCloseTo(0.45, 12);
    expect(byId.average).toBeCloseTo(0.325, 12);
  });

  it("leaves out DataComp's average whatever the order of the file's lines", () => {
    // 0.1, 0.2, … 1.2 sum to different floats forwards and backwards
    const reversed = run("reversed", SUITES.map((s, i) => rec(s.key, {main_metric: 0.1 * (i + 1)})).reverse());
    expect(compareRuns([reversed], {scorers}).groups.map((g) => g.id)).toEqual(["classification", "shift", "retrieval", "average"]);
  });

  it("shows DataComp's groups for a DataComp file beside ours", () => {
    const c = compareRuns([ours, run("dc", load("datacomp-a.jsonl"))], {scorers});
    expect(c.groups.map((g) => g.id)).toEqual([
      "classification", "shift", "retrieval", "average",
      "datacomp/imagenet", "datacomp/imagenet-shifts", "datacomp/vtab", "datacomp/retrieval", "datacomp/average"
    ]);
  });
});

describe("files written by our own evaluation", () => {
  it("give our group means, the same as aggregateScores, for each teacher's file", () => {
    const runs = ["lab-teacher-a.jsonl", "lab-teacher-b.jsonl"].map((f) => run(f, load(f)));
    const c = compareRuns(runs, {scorers: [labGroupMeans, dataCompGroupMeans]});
    expect(c.groups.map((g) => g.id)).toEqual(["classification", "shift", "retrieval", "average"]);
    runs.forEach((r, i) => {
      const expected = labMeansFromFile(r.id);
      expect(aggregateScores(r.records)).toEqual(Object.fromEntries(c.groups.map((g) => [g.id, g.values[i]])));
      for (const g of c.groups) expect(g.values[i], `${r.id} ${g.id}`).toBeCloseTo(expected[g.id as keyof typeof expected], 12);
    });
    expect(c.tasks).toHaveLength(12);
  });
});
