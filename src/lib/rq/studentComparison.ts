import {pairedDifference, summarise, type PairedDifference, type SeedSummary, type SeedValues} from "./seedStats.js";
import {SWEEP_METRICS, type SweepMetric, type SweepRow} from "./sweepTable.js";

/** One metric for RQ2's two students trained alike: each one's seeds, and Vim − ViT paired by seed. */
export interface StudentScores {
  readonly metric: SweepMetric;
  readonly vim: (SeedSummary & SeedValues) | null;
  readonly vit: (SeedSummary & SeedValues) | null;
  /** Vim − ViT (b − a) by seed; null when they share no seed. */
  readonly difference: PairedDifference | null;
}

/**
 * RQ2's accuracy question: the Vim and the ViT student, trained with the same budget and
 * distillation, on every score. Runs whose training settings (all but the student and seed)
 * differ from the first run's are left out and listed, since they would not be a like-for-like
 * comparison.
 */
export function compareStudents(rows: readonly SweepRow[], metrics: readonly SweepMetric[] = SWEEP_METRICS): {scores: StudentScores[]; excluded: string[]} {
  const settingsOf = (r: SweepRow) => `w_c=${r.contrastiveWeight} w_d=${r.distillWeight} ${r.recipe}`;
  const excluded: string[] = [];
  const reference = rows.length > 0 ? settingsOf(rows[0]) : "";
  const alike = rows.filter((r) => {
    const same = settingsOf(r) === reference;
    if (!same) excluded.push(`${r.name}: trained with other settings than ${rows[0].name} (${settingsOf(r)} vs ${reference})`);
    return same;
  });
  const side = (student: "vim" | "vit", key: string) => {
    const values = alike.filter((r) => r.student === student && typeof r.scores[key] === "number").map((r) => ({seed: r.seed, value: r.scores[key]}));
    return values.length > 0 ? {values, ...summarise(values.map((v) => v.value))} : null;
  };
  const scores = metrics
    .map((metric) => {
      const vim = side("vim", metric.key);
      const vit = side("vit", metric.key);
      return {metric, vim, vit, difference: vim && vit ? pairedDifference(vit, vim) : null};
    })
    .filter((s) => s.vim || s.vit);
  return {scores, excluded};
}
