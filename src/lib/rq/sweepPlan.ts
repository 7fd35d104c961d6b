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
}

export type Study = "rq1" | "rq2";

/** λ = w_d in eighths: contains the poster's four settings (λ = 0, 0.25, 0.75, 1). */
export const RQ1_LAMBDAS: readonly number[] = Array.from({length: 9}, (_, k) => k / 8);

/** The poster's DM-CLIP weights, which RQ2 trains both students with. */
export const RQ2_LAMBDA = 0.75;

// Folder names must read 0.125, never 0.12500000000000003.
const round = (x: number) => Math.round(x * 1000) / 1000;

function plannedRun(study: Study, student: PlannedRun["student"], lambda: number, seed: number): PlannedRun {
  const contrastiveWeight = round(1 - lambda);
  const distillWeight = round(lambda);
  const kind = distillWeight === 0 ? "contrastive only" : contrastiveWeight === 0 ? "distillation only" : "distillation";
  const who = study === "rq2" ? `${student === "vim" ? "Vim" : "ViT"} student, ` : "";
  return {
    name: `${student}-wc${contrastiveWeight}-wd${distillWeight}-seed${seed}`,
    label: `${who}${kind} (${contrastiveWeight}, ${distillWeight}), seed ${seed}`,
    student,
    contrastiveWeight,
    distillWeight,
    seed
  };
}

/**
 * rq1: the Vim student over RQ1_LAMBDAS with w_c = 1 − λ, every seed; rq2: the Vim and the ViT
 * student at RQ2_LAMBDA, every seed. Seeds must be distinct positive integers.
 */
export function sweepPlan(study: Study, seeds: readonly number[]): PlannedRun[] {
  if (seeds.length === 0 || seeds.some((s) => !(Number.isInteger(s) && s > 0)) || new Set(seeds).size !== seeds.length) {
    throw new Error(`sweepPlan: seeds must be distinct positive integers, got [${seeds.join(", ")}]`);
  }
  if (study === "rq1") return RQ1_LAMBDAS.flatMap((lambda) => seeds.map((seed) => plannedRun(study, "vim", lambda, seed)));
  if (study === "rq2") return (["vim", "vit"] as const).flatMap((student) => seeds.map((seed) => plannedRun(study, student, RQ2_LAMBDA, seed)));
  throw new Error(`sweepPlan: study must be "rq1" or "rq2", got "${String(study)}"`);
}

/** Whether a finished run's settings are this planned run trained for `steps`: a sweep keeps those. */
export function isPlannedRun(settings: {student?: unknown; contrastiveWeight?: unknown; distillWeight?: unknown; seed?: unknown; steps?: unknown}, run: PlannedRun, steps: number): boolean {
  return settings.student === run.student && settings.contrastiveWeight === run.contrastiveWeight && settings.distillWeight === run.distillWeight && settings.seed === run.seed && settings.steps === steps;
}
