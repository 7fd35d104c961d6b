import {spawnSync} from "node:child_process";
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {sweepPlan} from "../../../src/lib/rq/sweepPlan.js";
import {UsageError} from "../../../scripts/cli.js";
import {finishedRun} from "../../../scripts/sweepRuns.js";

const plan = sweepPlan("rq1", [1]).find((j) => j.name === "vim-wc0.25-wd0.75-seed1")!;
const committed = `data/runs/rq1/${plan.name}`;
const budget = {steps: 150, warmupSteps: 40, groupedBatches: true};

/** A copy of a committed run whose run.json is changed by `edit`. */
function runWith(edit: (run: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "sweep-run-"));
  cpSync(committed, dir, {recursive: true});
  const run = JSON.parse(readFileSync(`${committed}/run.json`, "utf8"));
  edit(run);
  writeFileSync(`${dir}/run.json`, JSON.stringify(run));
  return dir;
}

/** The committed run as if trained with today's sweep recipe (the DR loss, grouped batches). */
const current = (r: Record<string, any>) => Object.assign(r.settings, {dr: true, groupedBatches: true});

describe("a sweep's finished runs", () => {
  it("are the planned run, trained to the end with the sweep's budget", () => {
    expect(finishedRun(runWith(current), plan, budget)).toBe(true);
  });

  it("exclude a run of another recipe: without the DR loss, or on ordinary batches", () => {
    expect(finishedRun(committed, plan, budget), "committed: no DR, ordinary batches").toBe(false);
    expect(finishedRun(runWith((r) => Object.assign(r.settings, {dr: true, groupedBatches: false})), plan, budget), "ordinary batches").toBe(false);
    const noDr = sweepPlan("rq1", [1]).find((j) => j.name === "vim-wc0.25-wd0.75-nodr-seed1")!;
    expect(finishedRun(runWith((r) => Object.assign(r.settings, {dr: false, groupedBatches: true})), noDr, budget)).toBe(true);
  });

  it("exclude a stale run, a run cut short, one without its evaluation and a missing one", () => {
    const ok = runWith(current);
    expect(finishedRun(ok, plan, {...budget, steps: 30, warmupSteps: 10}), "other budget").toBe(false);
    expect(finishedRun(ok, plan, {...budget, warmupSteps: 10}), "other warm-up").toBe(false);
    expect(finishedRun(ok, sweepPlan("rq1", [2]).find((j) => j.distillWeight === 0.75)!, budget), "other seed").toBe(false);
    expect(finishedRun(runWith((r) => (current(r), (r.environment.stepsDone = 41))), plan, budget), "diverged at step 41").toBe(false);
    expect(finishedRun(runWith((r) => (current(r), (r.evaluations = []))), plan, budget), "no evaluation").toBe(false);
    const noJsonl = runWith(current);
    rmSync(`${noJsonl}/eval_results.jsonl`);
    expect(finishedRun(noJsonl, plan, budget), "no eval_results.jsonl").toBe(false);
    expect(finishedRun(join(tmpdir(), "no-such-run"), plan, budget)).toBe(false);
  });

  it("stop the sweep on a damaged run.json, naming the file", () => {
    const dir = runWith(() => undefined);
    writeFileSync(`${dir}/run.json`, "{\"format\": \"dm-clip-run\",");
    expect(() => finishedRun(dir, plan, budget)).toThrow(UsageError);
    expect(() => finishedRun(dir, plan, budget)).toThrow(`run ${dir}/run.json: not valid JSON (move or delete it, and the sweep trains the run again)`);
  });
});

describe("npm run sweep's options", () => {
  it("are refused in one line, exit code 2, before any run starts", () => {
    for (const [argv, message] of [
      [["--seeds", "1,1"], '--seeds "1,1": expected distinct positive integers, e.g. 1,2,3'],
      [["--steps", "abc"], '--steps "abc": expected a positive integer'],
      [["--study", "rq3"], '--study "rq3": expected rq1 or rq2'],
      [["--poster-seeds", "0,1"], '--poster-seeds "0,1": expected distinct positive integers, e.g. 1,2,3'],
      [["--groups", "yes"], '--groups "yes": expected 1 (batches of identity groups) or 0 (ordinary batches)'],
      [["--status", "now"], '--status takes no value, got "now"']
    ] as const) {
      const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/sweep.ts", ...argv, "--root", join(tmpdir(), "no-sweep")], {encoding: "utf8"});
      expect(result.status, argv.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toEqual([`error: ${message}`]);
    }
  });
});

describe("npm run sweep --status", () => {
  it("lists every planned run as done or to do, writes progress.json with the finished ones, and trains nothing", () => {
    const root = mkdtempSync(join(tmpdir(), "sweep-status-"));
    cpSync(runWith(current), `${root}/rq1/${plan.name}`, {recursive: true});
    // A stale run (another seed's folder holding a cut-short run) is not listed.
    cpSync(runWith((r) => (current(r), (r.environment.stepsDone = 41))), `${root}/rq1/vim-wc1-wd0-seed1`, {recursive: true});
    const argv = ["--study", "rq1", "--steps", "150", "--groups", "1", "--seeds", "1", "--root", root, "--status"];
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/sweep.ts", ...argv], {encoding: "utf8"});
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toContain(`done  ${plan.name}`);
    expect(lines).toContain("to do  vim-wc1-wd0-seed1");
    expect(lines.at(-1)).toBe(`rq1: 1 of ${sweepPlan("rq1", [1]).length} runs of 150 steps done; wrote ${root}/rq1/progress.json`);
    expect(JSON.parse(readFileSync(`${root}/rq1/progress.json`, "utf8"))).toEqual({runs: [{name: plan.label, dir: plan.name}]});
    expect(() => readFileSync(`${root}/rq1/index.json`)).toThrow();
  });
});

