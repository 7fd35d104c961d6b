/**
 * What the RQ1 sweep will be judged on, fixed before its runs were trained (2026-12-01), so the
 * verdict cannot be chosen after seeing the scores. The verdict code reads its level and its
 * primary comparison from here; the page and the README print it.
 */
export interface Rq1Preregistration {
  readonly registered: string;
  /** Key of the sweep metric (a group mean) the headline is decided on. */
  readonly primaryMetric: string;
  /** Distillation weight λ = w_d (w_c = 1 − λ) of the treatment; the control is λ = 0. */
  readonly treatmentLambda: number;
  readonly test: string;
  readonly alpha: number;
  /** Seeds per weighting that the primary comparison needs at least. */
  readonly minimumSeeds: number;
  /** The half-width of the primary difference's 95% interval aimed for (score units). */
  readonly targetHalfWidth: number;
  /** Everything else the page reports, each labelled secondary. */
  readonly secondary: readonly string[];
}

export const RQ1_PREREGISTRATION: Rq1Preregistration = {
  registered: "2026-12-01",
  primaryMetric: "average",
  treatmentLambda: 0.75,
  test: "two-sided paired t-test on the per-seed differences (treatment − control), with its 95% t-interval",
  alpha: 0.05,
  minimumSeeds: 8,
  targetHalfWidth: 0.01,
  secondary: [
    "each suite's difference at the same weights, Holm-corrected over the suites (each score once: group means only re-count their suites)",
    "the optimum weight, from a quadratic trend over the eighths grid (3 seeds each) with a seed-bootstrap interval",
    "the DR loss: the poster's weighting with and without it, paired by seed",
    "the poster's other two weightings, (0.75, 0.25) and (0, 1), against contrastive-only"
  ]
};

/**
 * Seeds the primary comparison needs for its 95% half-width to reach `target`, given the sd of
 * the paired differences seen so far: the smallest n with t_{0.975, n−1} · sd / √n ≤ target.
 */
export function seedsForHalfWidth(sd: number, target: number, tQuantile: (df: number) => number): number | null {
  if (!(sd >= 0 && Number.isFinite(sd))) throw new Error(`seedsForHalfWidth: sd must be a finite number ≥ 0, got ${sd}`);
  if (!(target > 0)) throw new Error(`seedsForHalfWidth: target must be > 0, got ${target}`);
  for (let n = 2; n <= 1000; n++) if ((tQuantile(n - 1) * sd) / Math.sqrt(n) <= target) return n;
  return null;
}
