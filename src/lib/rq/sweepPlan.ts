import {RQ1_PREREGISTRATION} from "./rq1Preregistration.js";

/** The runs of one RQ study, before they are trained: what `npm run sweep` launches. */
export interface PlannedRun {
  /** Folder name under data/runs/<study>/, e.g. "vim-wc0.25-wd0.75-seed1". */
  readonly name: string;
  /** How the RQ pages and the results page list it. */
  readonly label: string;
  readonly student: "vim" | "vit";
  readonly contrastiveWeight: number;
  readonly distillWeight: number;
  readonly seed: number;
  /** MobileCLIP's synthetic-caption ("DR") loss, on in DataCompDR training and so by default. */
  readonly dr: boolean;
}

export type Study = "rq1" | "rq2";

/** λ = w_d in eighths: contains the poster's four settings (λ = 0, 0.25, 0.75, 1). */
export const RQ1_LAMBDAS: readonly number[] = Array.from({length: 9}, (_, k) => k / 8);

/** The poster's DM-CLIP weights, which RQ2 trains both students with. */
export const RQ2_LAMBDA = 0.75;

/** The four weightings the poster trained (λ = w_d): they get the extra seeds that decide RQ1. */
export const POSTER_LAMBDAS: readonly number[] = [0, 0.25, 0.75, 1];

/** Seeds of every grid point, and of the poster's weightings (as many as the pre-registration needs). */
export const GRID_SEEDS: readonly number[] = [1, 2, 3];
export const POSTER_SEEDS: readonly number[] = Array.from({length: RQ1_PREREGISTRATION.minimumSeeds}, (_, k) => k + 1);

/**
 * Where the pre-registered RQ1 sweep lives (`npm run sweep -- --study rq1 --root` this), apart
 * from data/runs/rq1, the earlier 150-step sweep kept for comparison.
 */
export const PREREGISTERED_ROOT = "data/runs/preregistered";

// Folder names must read 0.125, never 0.12500000000000003.
const round = (x: number) => Math.round(x * 1000) / 1000;

function plannedRun(study: Study, student: PlannedRun["student"], lambda: number, seed: number, dr = true): PlannedRun {
  const contrastiveWeight = round(1 - lambda);
  const distillWeight = round(lambda);
  const kind = distillWeight === 0 ? "contrastive only" : contrastiveWeight === 0 ? "distillation only" : "distillation";
  const who = study === "rq2" ? `${student === "vim" ? "Vim" : "ViT"} student, ` : "";
  return {
    name: `${student}-wc${contrastiveWeight}-wd${distillWeight}${dr ? "" : "-nodr"}-seed${seed}`,
    label: `${who}${kind} (${contrastiveWeight}, ${distillWeight})${dr ? "" : " without the DR loss"}, seed ${seed}`,
    student,
    contrastiveWeight,
    distillWeight,
    seed,
    dr
  };
}

/**
 * rq1: the Vim student over RQ1_LAMBDAS with w_c = 1 − λ for every seed of `seeds`, the poster's
 * four weightings also for every seed of `posterSeeds`, and a no-DR arm at RQ2_LAMBDA for the
 * `posterSeeds`; rq2: the Vim and the ViT student at RQ2_LAMBDA, every seed of `seeds`. Seeds
 * must be distinct positive integers.
 */
export function sweepPlan(study: Study, seeds: readonly number[], posterSeeds: readonly number[] = seeds): PlannedRun[] {
  for (const [name, list] of Object.entries({seeds, posterSeeds})) {
    if (list.length === 0 || list.some((s) => !(Number.isInteger(s) && s > 0)) || new Set(list).size !== list.length) {
      throw new Error(`sweepPlan: ${name} must be distinct positive integers, got [${list.join(", ")}]`);
    }
  }
  if (study === "rq1") {
    const union = (a: readonly number[], b: readonly number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);
    const grid = RQ1_LAMBDAS.flatMap((lambda) => (POSTER_LAMBDAS.includes(lambda) ? union(seeds, posterSeeds) : seeds).map((seed) => plannedRun(study, "vim", lambda, seed)));
    const runs = [...grid, ...posterSeeds.map((seed) => plannedRun(study, "vim", RQ2_LAMBDA, seed, false))];
    // Training order, so an interrupted sweep has decided the most: the primary comparison
    // (λ = 0 against the poster's λ) seed by seed, then the poster's other weightings, the
    // no-DR arm, and the rest of the grid.
    const rank = (r: PlannedRun) => (!r.dr ? 2 : r.distillWeight === 0 || r.distillWeight === RQ2_LAMBDA ? 0 : POSTER_LAMBDAS.includes(r.distillWeight) ? 1 : 3);
    return runs.map((r, i) => ({r, i})).sort((a, b) => rank(a.r) - rank(b.r) || a.r.seed - b.r.seed || a.i - b.i).map(({r}) => r);
  }
  if (study === "rq2") return (["vim", "vit"] as const).flatMap((student) => seeds.map((seed) => plannedRun(study, student, RQ2_LAMBDA, seed)));
  throw new Error(`sweepPlan: study must be "rq1" or "rq2", got "${String(study)}"`);
}

/** Whether a finished run's settings are this planned run trained for `steps`: a sweep keeps those. */
export function isPlannedRun(settings: {student?: unknown; contrastiveWeight?: unknown; distillWeight?: unknown; seed?: unknown; steps?: unknown; dr?: unknown}, run: PlannedRun, steps: number): boolean {
  return settings.student === run.student && settings.contrastiveWeight === run.contrastiveWeight && settings.distillWeight === run.distillWeight && settings.seed === run.seed && settings.steps === steps && settings.dr === run.dr;
}
