// A run's resume point, `<out>/resume.ckpt`: the trainer's checkpoint (weights, optimizer
// moments, step, settings, the divergence check's reference) with the run's record so far in its
// meta. `npm run train -- --checkpoint-every N` rewrites it every N steps, and `--resume` goes on
// from it on the very batches the run would have drawn next, so a run cut by a session's end
// finishes as the one that never stopped would have. It is removed once the run has ended.
import {existsSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {decodeCheckpoint, encodeCheckpoint, type Checkpoint} from "../src/lib/train/checkpoint.js";
import {checkRunExport} from "../src/lib/train/runExport.js";
import type {RunLog, RunRecorder} from "../src/lib/train/runRecorder.js";
import {checkSettings, type TrainSettings} from "../src/lib/train/settings.js";
import type {Trainer} from "../src/lib/train/trainer.js";
import {UsageError} from "./cli.js";

export const RESUME_FILE = "resume.ckpt";

export interface ResumePoint {
  file: string;
  checkpoint: Checkpoint;
  /** What the run recorded before it stopped. */
  log: RunLog;
  /** Where it ran until then, as its record names it. */
  machine: string;
}

/** What `--resume` finds in a run's folder. */
export type ResumeLookup = {kind: "none"} | {kind: "resume"; point: ResumePoint} | {kind: "replace"; why: string};

/**
 * The resume point in `out` when it is the run `settings` describe. A point that is damaged, or
 * another run's, is a UsageError naming the file, raised before any work is spent; with `force`
 * the new run replaces it instead, and `why` says what was wrong with it.
 */
export function readResumePoint(out: string, settings: TrainSettings, force: boolean): ResumeLookup {
  const file = join(out, RESUME_FILE);
  if (!existsSync(file)) return {kind: "none"};
  const refuse = (what: string, remedy: string): ResumeLookup => {
    if (force) return {kind: "replace", why: `${file}: ${what}`};
    throw new UsageError(`--resume: ${file}: ${what}; ${remedy}`);
  };
  const damaged = (what: string) => refuse(what, "delete it, or pass --force, to train the run afresh");
  let checkpoint: Checkpoint;
  let saved: TrainSettings;
  let run;
  try {
    checkpoint = decodeCheckpoint(readFileSync(file), file);
    saved = checkSettings(checkpoint.meta.settings as Partial<TrainSettings>);
    run = checkRunExport(checkpoint.meta.run ?? null, `${file} (meta.run)`);
  } catch (error) {
    return damaged((error as Error).message);
  }
  const differs = (Object.keys(settings) as (keyof TrainSettings)[]).find((key) => JSON.stringify(saved[key]) !== JSON.stringify(settings[key]));
  if (differs) return refuse(`it is a run with ${differs} ${JSON.stringify(saved[differs])}, not the ${JSON.stringify(settings[differs])} asked for`, "pass --force to train afresh over it");
  if (run.curves.length !== checkpoint.step) return damaged(`its record holds ${run.curves.length} steps, its weights are at step ${checkpoint.step}`);
  const {seconds} = run.environment;
  if (!(typeof seconds === "number" && seconds >= 0)) return damaged(`meta.run.environment.seconds must be a number ≥ 0, got ${JSON.stringify(seconds)}`);
  return {kind: "resume", point: {file, checkpoint, log: {curves: run.curves, evaluations: run.evaluations, outcome: run.outcome, seconds}, machine: run.environment.machine}};
}

/**
 * The machine a resumed run's record names. Its seconds add up the time on every machine it ran
 * on, so a run that moved names each one and the step it left at: "A to step 50, then B".
 */
export function resumedMachine(point: ResumePoint, here: string): string {
  return point.machine.endsWith(here) ? point.machine : `${point.machine} to step ${point.checkpoint.step}, then ${here}`;
}

/** Saves the run as it stands between two steps; written aside and renamed, so a run killed mid-write keeps its previous point whole. */
export async function writeResumePoint(out: string, trainer: Trainer, recorder: RunRecorder): Promise<void> {
  const file = join(out, RESUME_FILE);
  writeFileSync(`${file}.part`, encodeCheckpoint(await trainer.checkpoint({run: recorder.export()})));
  renameSync(`${file}.part`, file);
}

/** Once the run has ended (finished or stopped), its record is run.json and the point is stale. */
export function dropResumePoint(out: string): void {
  rmSync(join(out, RESUME_FILE), {force: true});
}
