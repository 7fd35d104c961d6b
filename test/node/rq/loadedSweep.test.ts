import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import {packLink} from "../../../src/lib/results/linkCodec.js";
import {
  addLoadedFiles, assignRun, decodeLoadedSweep, EMPTY_SWEEP, encodeLoadedSweep, loadedSweepRows, removeLoadedRun, setCompared
} from "../../../src/lib/rq/loadedSweep.js";
import {directColumns, sweepFiles} from "./sweepFiles.js";

const lab = sweepFiles("test/fixtures/rq1/lab");
const poster = sweepFiles("test/fixtures/rq1/poster");
const bad = (name: string) => sweepFiles("test/fixtures/rq1/bad").find((f) => f.source.endsWith(name))!;
const file = (path: string) => ({source: path, records: parseEvalResults(readFileSync(path, "utf8"), path).records});

describe("loading a sweep's results files", () => {
  it("loads every file with the weighting and seed its folder names, scored on the poster's columns", () => {
    const {sweep, problems} = addLoadedFiles(EMPTY_SWEEP, lab);
    expect(problems).toEqual([]);
    expect(sweep.runs).toHaveLength(12);
    const run = sweep.runs.find((r) => r.source.includes("wc0.75-wd0.25-seed2"))!;
    expect(run).toMatchObject({weighting: {contrastiveWeight: 0.75, distillWeight: 0.25}, seed: 2, seedOrigin: "name"});
    expect(run.columns.scores).toEqual(expect.objectContaining({in_val: directColumns(run.source).in_val}));
    expect(run.columns.coverage.in_shift).toEqual({count: 5, expected: 6});
    const {rows, waiting} = loadedSweepRows(sweep);
    expect(waiting).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(lab.map((f) => f.source));
    for (const row of rows) {
      const direct = directColumns(row.name);
      for (const key of Object.keys(direct)) expect(row.scores[key]).toBeCloseTo(direct[key], 12);
    }
  });

  it("gives the poster's names seed 1, saying it was assumed", () => {
    const {sweep} = addLoadedFiles(EMPTY_SWEEP, poster);
    expect(sweep.runs.map((r) => [r.weighting!.distillWeight, r.seed, r.seedOrigin])).toEqual([
      [0.75, 1, "default"],
      [0.25, 1, "default"],
      [1, 1, "default"],
      [0, 1, "default"]
    ]);
  });

  it("refuses a file without ImageNet, a repeated weighting and seed, and another suite, keeping what is loaded", () => {
    const first = addLoadedFiles(EMPTY_SWEEP, lab.slice(0, 2)).sweep;
    const again = lab[0];
    const teacher = file("test/fixtures/results/lab-teacher-a.jsonl");
    const {sweep, problems} = addLoadedFiles(first, [bad("no-imagenet-wc1-wd0-seed1.jsonl"), again, teacher, bad("imagenet-nan-wc1-wd0-seed1.jsonl"), lab[2]]);
    expect(problems.map((p) => p.kind)).toEqual(["no-imagenet", "duplicate", "other-suite", "no-imagenet"]);
    expect(problems.map((p) => p.file)).toEqual([bad("no-imagenet-wc1-wd0-seed1.jsonl").source, again.source, teacher.source, bad("imagenet-nan-wc1-wd0-seed1.jsonl").source]);
    expect(problems[1].message).toBe(`${again.source}: w_c = 0, w_d = 1, seed 1 is already loaded from ${lab[0].source}`);
    expect(problems[2].message).toContain("a lab-suite file, where the loaded runs are DataComp (38-task) files");
    expect(sweep.runs.map((r) => r.source)).toEqual([lab[0].source, lab[1].source, lab[2].source]);
    expect(sweep.runs.map((r) => r.id)).toEqual(["loaded-1", "loaded-2", "loaded-3"]);
    // A poster name (no seed) clashing with a loaded seed 1 says the seed was assumed.
    const clash = addLoadedFiles(addLoadedFiles(EMPTY_SWEEP, poster).sweep, [{...poster[0], source: "other/dmclip_s1_6m_025_075.jsonl"}]);
    expect(clash.problems[0].message).toContain("(seed 1 assumed: the name gives none");
  });

  it("loads a file whose name gives no weighting, and leaves it out until one is set", () => {
    const {sweep} = addLoadedFiles(EMPTY_SWEEP, [bad("unnamed.jsonl")]);
    expect(sweep.runs[0]).toMatchObject({weighting: null, seed: 1, seedOrigin: "default"});
    expect(loadedSweepRows(sweep)).toMatchObject({rows: [], waiting: [`${bad("unnamed.jsonl").source}: no weighting yet (its name follows neither pattern); set w_c and w_d in the table`]});
    const set = assignRun(sweep, "loaded-1", {contrastiveWeight: 0.5, distillWeight: 0.5}, 4);
    expect(set.runs[0]).toMatchObject({weighting: {contrastiveWeight: 0.5, distillWeight: 0.5}, seed: 4, seedOrigin: "user"});
    expect(loadedSweepRows(set).rows).toHaveLength(1);
  });

  it("refuses a bad assignment with the file and field named, changing nothing", () => {
    const {sweep} = addLoadedFiles(EMPTY_SWEEP, lab.slice(0, 2));
    const before = JSON.stringify(sweep);
    const w = {contrastiveWeight: 0, distillWeight: 1};
    expect(() => assignRun(sweep, "loaded-2", w, 1)).toThrow(`${lab[1].source}: w_c = 0, w_d = 1, seed 1 is already ${lab[0].source}'s`);
    expect(() => assignRun(sweep, "loaded-2", {contrastiveWeight: 1.5, distillWeight: 0}, 9)).toThrow(`${lab[1].source}: w_c must be a number from 0 to 1, got 1.5`);
    expect(() => assignRun(sweep, "loaded-2", {contrastiveWeight: 0, distillWeight: Number.NaN}, 9)).toThrow("w_d must be a number from 0 to 1, got NaN");
    expect(() => assignRun(sweep, "loaded-2", w, 2.5)).toThrow(`${lab[1].source}: the seed must be an integer ≥ 0, got 2.5`);
    expect(() => assignRun(sweep, "nope", w, 5)).toThrow('no loaded run has id "nope"');
    expect(() => setCompared(sweep, {contrastiveWeight: 1, distillWeight: 0})).toThrow("w_d must be above 0");
    expect(JSON.stringify(sweep)).toBe(before);
    expect(removeLoadedRun(sweep, "loaded-1").runs.map((r) => r.id)).toEqual(["loaded-2"]);
  });
});

describe("the RQ1 link", () => {
  it("round-trips the runs, their assignments and the compared weighting", async () => {
    let sweep = addLoadedFiles(EMPTY_SWEEP, [...lab.slice(0, 3), bad("unnamed.jsonl")]).sweep;
    sweep = assignRun(sweep, "loaded-1", {contrastiveWeight: 0, distillWeight: 1}, 7);
    sweep = setCompared(sweep, {contrastiveWeight: 0.75, distillWeight: 0.25});
    const back = await decodeLoadedSweep(await encodeLoadedSweep(sweep));
    expect(back.compared).toEqual(sweep.compared);
    expect(back.runs.map(({columns, records, ...r}) => r)).toEqual(sweep.runs.map(({columns, records, ...r}) => r));
    expect(back.runs.map((r) => r.columns)).toEqual(sweep.runs.map((r) => r.columns));
    expect(back.runs[0].records).toEqual(sweep.runs[0].records);
    expect(loadedSweepRows(back)).toEqual(loadedSweepRows(sweep));
  });

  it("restores assignments that differ from the names without refusing them", async () => {
    // Seeds swapped against the names: added in name order, these would clash.
    let sweep = addLoadedFiles(EMPTY_SWEEP, lab.slice(0, 2)).sweep;
    sweep = assignRun(sweep, "loaded-1", {contrastiveWeight: 0, distillWeight: 1}, 9);
    sweep = assignRun(sweep, "loaded-2", {contrastiveWeight: 0, distillWeight: 1}, 1);
    sweep = assignRun(sweep, "loaded-1", {contrastiveWeight: 0, distillWeight: 1}, 2);
    const back = await decodeLoadedSweep(await encodeLoadedSweep(sweep));
    expect(back.runs.map((r) => r.seed)).toEqual([2, 1]);
  });

  it("refuses an altered link, naming the field", async () => {
    await expect(decodeLoadedSweep("not-a-link")).rejects.toThrow("RQ1 link: view: not a link this page wrote");
    const link = (value: unknown) => packLink(value);
    const run = {source: "a-wc1-wd0-seed1.jsonl", jsonl: readFileSync(lab[0].source, "utf8"), weighting: {contrastiveWeight: 1, distillWeight: 0}, seed: 1, seedOrigin: "name"};
    const compared = {contrastiveWeight: 0.25, distillWeight: 0.75};
    await expect(decodeLoadedSweep(await link({v: 2, compared, runs: []}))).rejects.toThrow("RQ1 link: v: version 2, expected 1");
    await expect(decodeLoadedSweep(await link({v: 1, compared: {contrastiveWeight: 1, distillWeight: 0}, runs: []}))).rejects.toThrow("RQ1 link: compared:");
    await expect(decodeLoadedSweep(await link({v: 1, compared, runs: [{...run, seed: -1}]}))).rejects.toThrow("RQ1 link: runs[0].seed: expected an integer ≥ 0, got -1");
    await expect(decodeLoadedSweep(await link({v: 1, compared, runs: [{...run, weighting: {contrastiveWeight: 2, distillWeight: 0}}]}))).rejects.toThrow("RQ1 link: runs[0]: weighting.contrastiveWeight must be a number from 0 to 1");
    await expect(decodeLoadedSweep(await link({v: 1, compared, runs: [run, run]}))).rejects.toThrow("RQ1 link: runs[1]: a-wc1-wd0-seed1.jsonl: w_c = 1, w_d = 0, seed 1 is already loaded");
    await expect(decodeLoadedSweep(await link({v: 1, compared, runs: [{...run, jsonl: "{"}]}))).rejects.toThrow("RQ1 link: runs[0]: a-wc1-wd0-seed1.jsonl, line 1");
    await expect(decodeLoadedSweep(await link({v: 1, compared, runs: [{...run, jsonl: readFileSync(bad("no-imagenet-wc1-wd0-seed1.jsonl").source, "utf8")}]}))).rejects.toThrow("RQ1 link: runs[0]: a-wc1-wd0-seed1.jsonl: no ImageNet result");
  });
});
