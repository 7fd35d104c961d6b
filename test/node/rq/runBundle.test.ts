import {describe, expect, it} from "vitest";
import {bundleRuns} from "../../../src/lib/rq/runBundle.js";
import {rqAssets} from "../../../src/lib/rq/rqAssets.js";
import {runExport} from "./fixtures.js";

const files = (entries: Record<string, unknown>) => (path: string) => {
  const v = entries[path];
  return v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v);
};

describe("bundleRuns", () => {
  it("is empty, with no manifest, when the sweep has none yet", () => {
    expect(bundleRuns("data/runs/rq1", files({}))).toEqual({manifest: null, runs: [], problems: []});
  });

  it("keeps each listed run's settings and final evaluation, named by the manifest", () => {
    const a = runExport("run a", {contrastiveWeight: 1, distillWeight: 0, seed: 1}, () => 0.3, {evaluations: 2});
    const b = runExport("run b", {contrastiveWeight: 0.25, distillWeight: 0.75, seed: 2}, () => 0.4);
    const bundle = bundleRuns("d", files({"d/index.json": {runs: [{name: "baseline", dir: "a"}, {name: "b", dir: "sub/b"}]}, "d/a/run.json": a, "d/sub/b/run.json": b}));
    expect(bundle.problems).toEqual([]);
    expect(bundle.manifest).toBe("d/index.json");
    expect(bundle.runs.map((r) => [r.name, r.source, r.step, r.settings.distillWeight])).toEqual([
      ["baseline", "d/a/run.json", 20, 0],
      ["b", "d/sub/b/run.json", 10, 0.75]
    ]);
    expect(bundle.runs[1].lines).toHaveLength(12);
    expect(bundle.runs[0]).not.toHaveProperty("curves");
  });

  it("reports each damaged or missing run and keeps the others", () => {
    const good = runExport("good", {seed: 3}, () => 0.5);
    const noEval = {...runExport("empty", {seed: 4}, () => 0.5), evaluations: []};
    const bundle = bundleRuns(
      "d",
      files({
        "d/index.json": {runs: ["gone", "bad", "settings", "empty", "good"].map((dir) => ({name: dir, dir}))},
        "d/bad/run.json": "{not json",
        "d/settings/run.json": {...good, settings: {...good.settings, distillWeight: "high"}},
        "d/empty/run.json": noEval,
        "d/good/run.json": good
      })
    );
    expect(bundle.runs.map((r) => r.name)).toEqual(["good"]);
    expect(bundle.problems).toEqual([
      "d/gone/run.json, listed in d/index.json, does not exist",
      "run d/bad/run.json: not valid JSON",
      expect.stringMatching(/^run d\/settings\/run\.json: settings\.distillWeight: expected a number/),
      "d/empty/run.json: the run has no evaluation (finished 10 steps); left out"
    ]);
  });

  it("reports a broken manifest instead of throwing", () => {
    expect(bundleRuns("d", files({"d/index.json": "[1,"})).problems).toEqual(["d/index.json: not valid JSON"]);
    expect(bundleRuns("d", files({"d/index.json": {runs: [{name: "a", file: "a/run.json"}]}})).problems).toEqual(["d/index.json: runs[0].dir: expected the path of a run folder"]);
  });
});

describe("rqAssets", () => {
  it("gathers the poster's tables, both sweeps, the teachers' evaluations and the benchmark, inventing nothing", () => {
    const run = runExport("r", {seed: 1}, () => 0.5);
    const repo: Record<string, unknown> = {
      "data/paper/dmclip_rq1.csv": "model,contrastive_weight,distill_weight,a\n",
      "data/paper/dmclip_rq2.csv": "claim,value,unit,compared_to,note\n",
      "data/runs/rq1/index.json": {runs: [{name: "a", dir: "a"}]},
      "data/runs/rq1/a/run.json": run,
      "data/teachers/teacher-a.eval.jsonl": '{"key": "x", "metrics": {"main_metric": 1}}\n'
    };
    const assets = rqAssets({read: files(repo), list: (dir) => (dir === "data/teachers" ? ["teacher-a.ckpt", "teacher-a.eval.jsonl"] : [])});
    expect(Object.keys(assets).sort()).toEqual([".gitignore", "dmclip_rq1.csv", "dmclip_rq2.csv", "latency.json", "live.json", "rq1-preregistered.json", "rq1-runs.json", "rq2-runs.json", "teachers.json"]);
    expect(JSON.parse(assets["rq1-preregistered.json"])).toEqual({complete: false, manifest: null, runs: [], problems: []});
    expect(JSON.parse(assets["rq1-runs.json"]).runs.map((r: {source: string}) => r.source)).toEqual(["data/runs/rq1/a/run.json"]);
    expect(JSON.parse(assets["rq2-runs.json"])).toEqual({manifest: null, runs: [], problems: []});
    expect(JSON.parse(assets["teachers.json"]).teachers).toEqual([{name: "teacher-a", source: "data/teachers/teacher-a.eval.jsonl", text: repo["data/teachers/teacher-a.eval.jsonl"]}]);
    expect(JSON.parse(assets["latency.json"])).toEqual({source: null, bench: null});
    expect(JSON.parse(assets["live.json"])).toEqual({source: null, bench: null});
    expect(assets[".gitignore"]).toBe("*\n");
  });

  it("passes the recorded live benchmark through with its source", () => {
    const repo: Record<string, unknown> = {
      "data/paper/dmclip_rq1.csv": "model,contrastive_weight,distill_weight,a\n",
      "data/paper/dmclip_rq2.csv": "claim,value,unit,compared_to,note\n",
      "data/bench/live.json": {teachersObjects: 0.7, arms: []}
    };
    expect(JSON.parse(rqAssets({read: files(repo), list: () => []})["live.json"])).toEqual({source: "data/bench/live.json", bench: {teachersObjects: 0.7, arms: []}});
  });

  it("gives the pre-registered sweep's finished runs while it is under way, and its index once complete", () => {
    const run = runExport("r", {seed: 1}, () => 0.5);
    const repo: Record<string, unknown> = {
      "data/paper/dmclip_rq1.csv": "",
      "data/paper/dmclip_rq2.csv": "",
      "data/runs/preregistered/rq1/progress.json": {runs: [{name: "a", dir: "a"}]},
      "data/runs/preregistered/rq1/a/run.json": run,
      "data/runs/preregistered/rq1/b/run.json": run
    };
    const read = () => JSON.parse(rqAssets({read: files(repo), list: () => []})["rq1-preregistered.json"]);
    expect(read()).toMatchObject({complete: false, manifest: "data/runs/preregistered/rq1/progress.json", problems: []});
    expect(read().runs.map((r: {source: string}) => r.source)).toEqual(["data/runs/preregistered/rq1/a/run.json"]);
    repo["data/runs/preregistered/rq1/index.json"] = {runs: [{name: "a", dir: "a"}, {name: "b", dir: "b"}]};
    expect(read()).toMatchObject({complete: true, manifest: "data/runs/preregistered/rq1/index.json"});
    expect(read().runs).toHaveLength(2);
  });

  it("fails naming a missing poster table", () => {
    expect(() => rqAssets({read: () => null, list: () => []})).toThrow(/data\/paper\/dmclip_rq1\.csv is missing/);
  });
});
