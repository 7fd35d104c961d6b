import type {EvalLine, StepMetrics} from "./trainer.js";
import {checkSettings, type TrainSettings} from "./settings.js";
import {recordsToJsonl} from "../results/resultsView.js";

/**
 * A finished (or paused) run as one JSON file: its settings, the per-step curves, the final
 * DataComp-format evaluation, and where it ran. The RQ1 sweep commits these under data/runs/,
 * the notebooks export and import them.
 */
export interface RunExport {
  format: "dm-clip-run";
  version: 1;
  name: string;
  settings: TrainSettings;
  /** Where and how long: backend, machine, wall-clock seconds, steps actually done. */
  environment: {backend: string; machine: string; seconds: number; stepsDone: number; createdAt: string};
  curves: StepMetrics[];
  /** Evaluations made during the run, by step; the last one is the run's result. */
  evaluations: {step: number; lines: EvalLine[]}[];
  /** How the run ended ("finished 600 steps", "diverged at step 40: …", "paused at step 12"). */
  outcome: string;
}

/** The run's final evaluation, as `eval_results.jsonl` text. */
export function evalResultsJsonl(run: RunExport): string {
  const last = run.evaluations.at(-1);
  return last ? recordsToJsonl(last.lines) : "";
}

/** Parses a run file; damage fails with an error naming `label` and the field. */
export function parseRunExport(text: string, label: string): RunExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`run ${label}: not valid JSON`);
  }
  return checkRunExport(raw, label);
}

/** Checks a run already parsed from JSON (one carried inside another file); damage fails as `parseRunExport`'s does. */
export function checkRunExport(raw: unknown, label: string): RunExport {
  const r = raw as Partial<RunExport> | null;
  if (typeof r !== "object" || r === null || r.format !== "dm-clip-run") throw new Error(`run ${label}: "format" must be "dm-clip-run"`);
  if (r.version !== 1) throw new Error(`run ${label}: "version" ${String(r.version)} is not supported (expected 1)`);
  if (typeof r.name !== "string") throw new Error(`run ${label}: "name" must be a string`);
  // Defaults would file a run without settings as a Vim (0.25, 0.75) seed-1 run: refuse it instead.
  if (typeof r.settings !== "object" || r.settings === null || Array.isArray(r.settings)) throw new Error(`run ${label}: "settings" is missing (expected the run's training settings)`);
  let settings: TrainSettings;
  try {
    settings = checkSettings(r.settings as Partial<TrainSettings>);
  } catch (error) {
    throw new Error(`run ${label}: ${(error as Error).message}`);
  }
  if (!Array.isArray(r.curves)) throw new Error(`run ${label}: "curves" must be an array of step metrics`);
  r.curves.forEach((m, i) => {
    if (typeof m?.step !== "number" || typeof m?.total !== "number") throw new Error(`run ${label}: curves[${i}] needs numeric "step" and "total"`);
  });
  if (!Array.isArray(r.evaluations)) throw new Error(`run ${label}: "evaluations" must be an array`);
  r.evaluations.forEach((e, i) => {
    if (typeof e?.step !== "number" || !Array.isArray(e?.lines)) throw new Error(`run ${label}: evaluations[${i}] needs "step" and "lines"`);
    e.lines.forEach((l, j) => {
      if (typeof l?.key !== "string" || typeof l?.metrics !== "object" || l.metrics === null) {
        throw new Error(`run ${label}: evaluations[${i}].lines[${j}] needs "key" and "metrics"`);
      }
    });
  });
  if (typeof r.environment !== "object" || r.environment === null) throw new Error(`run ${label}: "environment" is missing`);
  return {...(r as RunExport), settings};
}
