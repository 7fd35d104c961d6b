import {RQ1_PREREGISTRATION} from "./rq1Preregistration.js";
import type {RunResult} from "./runBundle.js";
import {isPlannedRun, type PlannedRun} from "./sweepPlan.js";

/** One arm of a planned sweep (a weighting, with or without the DR loss) and how many of its seeds are in. */
export interface ArmProgress {
  readonly contrastiveWeight: number;
  readonly distillWeight: number;
  readonly dr: boolean;
  /** Whether the arm is one side of the pre-registered primary comparison. */
  readonly primary: boolean;
  readonly plannedSeeds: readonly number[];
  readonly finishedSeeds: readonly number[];
}

export interface SweepProgress {
  readonly planned: number;
  readonly finished: number;
  /** In plan order, which trains the primary comparison first. */
  readonly arms: readonly ArmProgress[];
  /** Runs that match no planned run (named, so a page can say it left them out). */
  readonly unplanned: readonly string[];
}

/**
 * How far a sweep under way has come: the finished runs matched to `plan` by what they trained
 * (student, weights, seed, DR loss), arm by arm.
 */
export function sweepProgress(plan: readonly PlannedRun[], runs: readonly RunResult[]): SweepProgress {
  const matched = (j: PlannedRun) => runs.some((r) => isPlannedRun(r.settings, j, r.settings.steps));
  const primaryLambdas = [0, RQ1_PREREGISTRATION.treatmentLambda];
  const arms: ArmProgress[] = [];
  for (const j of plan) {
    let arm = arms.find((a) => a.distillWeight === j.distillWeight && a.contrastiveWeight === j.contrastiveWeight && a.dr === j.dr);
    if (!arm) {
      arm = {contrastiveWeight: j.contrastiveWeight, distillWeight: j.distillWeight, dr: j.dr, primary: j.dr && primaryLambdas.includes(j.distillWeight), plannedSeeds: [], finishedSeeds: []};
      arms.push(arm);
    }
    (arm.plannedSeeds as number[]).push(j.seed);
    if (matched(j)) (arm.finishedSeeds as number[]).push(j.seed);
  }
  return {
    planned: plan.length,
    finished: arms.reduce((n, a) => n + a.finishedSeeds.length, 0),
    arms,
    unplanned: runs.filter((r) => !plan.some((j) => isPlannedRun(r.settings, j, r.settings.steps))).map((r) => r.source)
  };
}
