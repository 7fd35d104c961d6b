import {spawn, spawnSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {encodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import type {RunExport} from "../../../src/lib/train/runExport.js";
import {RunRecorder} from "../../../src/lib/train/runRecorder.js";
import type {TrainSettings} from "../../../src/lib/train/settings.js";
import {Trainer, type StepMetrics} from "../../../src/lib/train/trainer.js";
import {readResumePoint, RESUME_FILE, resumedMachine} from "../../../scripts/resumePoint.js";
import {useBackend} from "../backends.js";
import {tinySetup} from "../train/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "resume-point-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

// A real run at a small size: the Vim student, DR loss on, batch 8, 6 steps, a resume point every 2.
const RUN = ["--student", "vim", "--weights", "0.25,0.75", "--seed", "4", "--dr", "1", "--batch", "8", "--warmup", "1", "--per-set", "10", "--retrieval", "10"];
const argv = (out: string, ...more: string[]) => ["--import", "tsx", "scripts/train.ts", ...RUN, "--out", out, ...(more.includes("--steps") ? more : ["--steps", "6", "--checkpoint-every", "2", ...more])];
const train = (out: string, ...more: string[]) => spawnSync(process.execPath, argv(out, ...more), {encoding: "utf8"});
const record = (out: string): RunExport => JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
/** What a step's metrics say about the arithmetic (not the clock). */
const arithmetic = ({imagesPerSecond, ...rest}: StepMetrics) => rest;

/** Starts the run and kills it (SIGKILL, as a session's end does) once its first resume point is on disk. */
async function killedAtResumePoint(out: string): Promise<void> {
  const child = spawn(process.execPath, argv(out), {stdio: "ignore"});
  const exited = new Promise((resolve) => child.on("exit", resolve));
  while (!existsSync(join(out, "resume.ckpt"))) {
    if (child.exitCode !== null) throw new Error(`the run ended (exit ${child.exitCode}) before it saved a resume point`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
  await exited;
}

describe("npm run train --checkpoint-every / --resume", () => {
  it("goes on from a run killed mid-way and ends exactly as the run that was never stopped", async () => {
    const unbroken = join(dir, "unbroken");
    const first = train(unbroken);
    expect(first.status, first.stderr).toBe(0);
    // A finished run leaves no resume point behind.
    expect(existsSync(join(unbroken, "resume.ckpt"))).toBe(false);

    const broken = join(dir, "broken");
    await killedAtResumePoint(broken);
    expect(existsSync(join(broken, "run.json"))).toBe(false);

    // Another run's flags over it are refused in one line, before any work; the point is kept.
    const other = train(broken, "--resume", "--eval-every", "3");
    expect(other.status).toBe(2);
    expect(other.stderr.trim().split("\n")).toEqual([`error: --resume: ${join(broken, "resume.ckpt")}: it is a run with evalEvery 0, not the 3 asked for; pass --force to train afresh over it`]);
    // Without --resume the folder is not empty.
    expect(train(broken).stderr).toMatch(/the folder is not empty \(it holds resume\.ckpt\)/);

    const resumed = train(broken, "--resume");
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming at step [24] from /);
    expect(existsSync(join(broken, "resume.ckpt"))).toBe(false);
    const [a, b] = [record(unbroken), record(broken)];
    expect(b.curves.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.curves.map(arithmetic)).toEqual(a.curves.map(arithmetic));
    expect(b.evaluations).toEqual(a.evaluations);
    expect(b.outcome).toBe("finished 6 steps");
    expect(b.environment.stepsDone).toBe(6);
    expect(readFileSync(join(broken, "eval_results.jsonl"), "utf8")).toBe(readFileSync(join(unbroken, "eval_results.jsonl"), "utf8"));
  }, 300_000);

  it("refuses a damaged resume point in one line, naming the file, and trains afresh over another run's with --force", () => {
    const out = join(dir, "damaged");
    mkdirSync(out);
    writeFileSync(join(out, "resume.ckpt"), "not a checkpoint");
    const file = join(out, "resume.ckpt");
    const result = train(out, "--resume");
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([`error: --resume: ${file}: checkpoint ${file}: not a DM-CLIP Lab checkpoint (it does not start with "DMCLIPCK"); delete it, or pass --force, to train the run afresh`]);
    expect(readFileSync(file, "utf8")).toBe("not a checkpoint");

    // With --force the new run replaces it, says so, and finishes as a run of its own.
    const forced = train(out, "--resume", "--force", "--steps", "2", "--checkpoint-every", "1");
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`not resuming (${file}: checkpoint ${file}: not a DM-CLIP Lab checkpoint`);
    expect(record(out)).toMatchObject({outcome: "finished 2 steps", environment: {stepsDone: 2}});
    expect(existsSync(file)).toBe(false);
  }, 120_000);
});

describe("readResumePoint", () => {
  /** A tiny run's resume point after 2 steps, its record edited by `edit`, and the settings it was asked with. */
  async function pointWith(name: string, edit: (run: Record<string, any>) => void = () => {}) {
    await useBackend("wasm");
    const trainer = await Trainer.create(tinySetup(), {batchSize: 4, steps: 10, warmupSteps: 1, evalEvery: 0});
    const recorder = new RunRecorder(trainer, {backend: "wasm", machine: "test"});
    for (let i = 0; i < 2; i++) await trainer.trainStep();
    const checkpoint = await trainer.checkpoint({run: recorder.export()});
    trainer.dispose();
    edit(checkpoint.meta.run as Record<string, any>);
    const out = join(dir, name);
    mkdirSync(out);
    writeFileSync(join(out, RESUME_FILE), encodeCheckpoint(checkpoint));
    return {out, file: join(out, RESUME_FILE), settings: checkpoint.meta.settings as TrainSettings};
  }

  it("gives the point back with the run's record so far", async () => {
    const {out, file, settings} = await pointWith("whole");
    const found = readResumePoint(out, settings, false);
    expect(found.kind).toBe("resume");
    if (found.kind !== "resume") return;
    expect(found.point.file).toBe(file);
    expect(found.point.checkpoint.step).toBe(2);
    expect(found.point.log.curves.map((m) => m.step)).toEqual([1, 2]);
    expect(found.point.machine).toBe("test");
    // Resumed elsewhere, the record names both machines; resumed where it last ran, it is unchanged.
    expect(resumedMachine(found.point, "test")).toBe("test");
    const moved = resumedMachine(found.point, "B × 2");
    expect(moved).toBe("test to step 2, then B × 2");
    const later = {...found.point, machine: moved, checkpoint: {...found.point.checkpoint, step: 7}};
    expect(resumedMachine(later, "B × 2")).toBe(moved);
    expect(resumedMachine(later, "C × 4")).toBe("test to step 2, then B × 2 to step 7, then C × 4");
  });

  it("refuses a damaged run record inside the point, naming the file and the field", async () => {
    const cases: [string, (run: Record<string, any>) => void, string][] = [
      ["format", (run) => (run.format = "other"), `run ${"FILE"} (meta.run): "format" must be "dm-clip-run"`],
      ["steps", (run) => run.curves.pop(), "its record holds 1 steps, its weights are at step 2"],
      ["seconds", (run) => (run.environment.seconds = -1), "meta.run.environment.seconds must be a number ≥ 0, got -1"]
    ];
    for (const [name, edit, what] of cases) {
      const {out, file, settings} = await pointWith(`damaged-${name}`, edit);
      const message = `--resume: ${file}: ${what.replace("FILE", file)}; delete it, or pass --force, to train the run afresh`;
      expect(() => readResumePoint(out, settings, false), name).toThrow(message);
      expect(readResumePoint(out, settings, true), name).toEqual({kind: "replace", why: `${file}: ${what.replace("FILE", file)}`});
    }
  });
});
