// Which of a sweep's runs are done. A run counts only when its run.json is this planned run,
// trained to the end with the sweep's budget: anything else on disk (a stale run with other
// settings, a run that diverged or crashed) is not a result.
import {existsSync, readFileSync} from "node:fs";
import {isPlannedRun, type PlannedRun} from "../src/lib/rq/sweepPlan.js";
import {parseRunExport} from "../src/lib/train/runExport.js";
import {UsageError} from "./cli.js";

/** What every run of one sweep trains for. */
export interface SweepBudget {
  steps: number;
  warmupSteps: number;
  groupedBatches: boolean;
}

/**
 * Whether `dir` holds `run` finished with `budget`: its settings match the plan, it did every
 * step, and it has its evaluation. A run.json that cannot be read is a UsageError naming the file.
 */
export function finishedRun(dir: string, run: PlannedRun, budget: SweepBudget): boolean {
  const file = `${dir}/run.json`;
  if (!existsSync(file)) return false;
  let saved;
  try {
    saved = parseRunExport(readFileSync(file, "utf8"), file);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (move or delete it, and the sweep trains the run again)`);
  }
  return (
    isPlannedRun(saved.settings, run, budget.steps) &&
    saved.settings.warmupSteps === budget.warmupSteps &&
    saved.settings.groupedBatches === budget.groupedBatches &&
    saved.environment.stepsDone === budget.steps &&
    saved.evaluations.length > 0 &&
    existsSync(`${dir}/eval_results.jsonl`)
  );
}
