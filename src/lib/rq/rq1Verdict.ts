import {holmAdjust} from "./holm.js";
import {lambdaTrend, type LambdaTrend} from "./lambdaTrend.js";
import {RQ1_PREREGISTRATION, seedsForHalfWidth} from "./rq1Preregistration.js";
import {pairedDifference, summarise, tQuantile975, type PairedDifference, type SeedValues, type SeedSummary} from "./seedStats.js";
import {SWEEP_METRICS, type SweepMetric, type SweepRow} from "./sweepTable.js";

/** One distillation weight λ = w_d (with w_c = 1 − λ): its seeds' scores and their summary. */
export interface LambdaSummary extends SeedSummary, SeedValues {
  readonly lambda: number;
}

/**
 * How distillation at the poster's weight compares with contrastive-only on one metric:
 * "replicates" (better, interval above 0), "weak" (better, interval includes 0), "reversed"
 * (worse, interval below 0), "weak-reversed" (worse, interval includes 0), "tie" (equal),
 * "untestable" (a weight is missing).
 */
export type Outcome = "replicates" | "weak" | "reversed" | "weak-reversed" | "tie" | "untestable";

export interface MetricFindings {
  readonly metric: SweepMetric;
  readonly byLambda: readonly LambdaSummary[];
  readonly baseline: LambdaSummary | null;
  readonly poster: LambdaSummary | null;
  /** The λ with the highest mean (shown, but the optimum is argued from `trend`). */
  readonly optimum: LambdaSummary;
  /** The quadratic trend over λ with its seed-bootstrap intervals; null with fewer than 3 weights. */
  readonly trend: LambdaTrend | null;
  /**
   * The poster comparison's p-value after Holm's correction over the family of suites (each
   * score counted once); null for group means and where untestable.
   */
  readonly holmP: number | null;
  readonly posterVsBaseline: PairedDifference | null;
  readonly optimumVsBaseline: PairedDifference | null;
  readonly outcome: Outcome;
  /** Mean over λ of the seeds' standard deviation (λ with two seeds or more); null without any. */
  readonly seedSd: number | null;
  /** Whether |poster − baseline| exceeds seedSd; null when either is missing. */
  readonly effectExceedsSpread: boolean | null;
  readonly sentences: readonly string[];
}

/** One metric's scores of the DR arm: its seeds' values and their summary. */
export interface ArmScores extends SeedSummary, SeedValues {
  readonly metric: SweepMetric;
}

export interface Rq1Verdict {
  readonly runs: number;
  readonly lambdas: readonly number[];
  readonly seeds: readonly number[];
  readonly posterLambda: number;
  /** Rows left out, and why. */
  readonly excluded: readonly string[];
  readonly metrics: readonly MetricFindings[];
  /**
   * On the first metric (the pre-registered primary, the Average, by default): the primary
   * difference's 95% half-width, and the seeds the pre-registered half-width would need.
   */
  readonly power: {readonly halfWidth: number; readonly pairs: number; readonly seedsNeeded: number | null} | null;
  /**
   * The DR arm, on the first metric at the poster's weighting: the arm's runs (which use the DR
   * loss or not, `withDr`) minus the sweep's main recipe, paired by seed; null without an arm.
   */
  readonly drArm: {
    readonly withDr: boolean;
    readonly difference: PairedDifference;
    /** The arm's own scores at the poster's weighting, on each metric it has. */
    readonly scores: readonly ArmScores[];
  } | null;
  /** On the first metric (the overall average by default). */
  readonly headline: string;
  readonly sentences: readonly string[];
}

const ON_GRID = 1e-9;
const ALPHA = RQ1_PREREGISTRATION.alpha;
const points = (x: number) => `${x >= 0 ? "+" : "−"}${size(x)}`;
const size = (x: number) => `${Math.abs(100 * x).toFixed(1)} points`;
const percent = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;
/** A score as the RQ1 sentences and tables print it (0 to 1), so a sentence and its table read alike. */
export const score = (x: number) => x.toFixed(3);

/**
 * The outcome a row of the findings states. A suite is one test of a family, so it is "beyond
 * seed noise" only after Holm's correction, as in the verdict's tally of suites; a group mean (the
 * Average among them, the primary score) keeps its own test's outcome.
 */
export function rowOutcome(f: MetricFindings): Outcome {
  if (f.metric.kind !== "suite" || f.holmP === null || f.holmP < ALPHA) return f.outcome;
  return f.outcome === "replicates" ? "weak" : f.outcome === "reversed" ? "weak-reversed" : f.outcome;
}

function outcomeOf(d: PairedDifference | null): Outcome {
  if (!d) return "untestable";
  if (d.mean === 0) return "tie";
  const certain = d.low !== null && d.high !== null && (d.low > 0 || d.high < 0);
  if (d.mean > 0) return certain ? "replicates" : "weak";
  return certain ? "reversed" : "weak-reversed";
}

const interval = (d: PairedDifference) =>
  d.low === null ? `one paired seed, so no interval` : `95% interval ${points(d.low)} to ${points(d.high!)} over ${d.pairs} paired seeds, better on ${d.wins} of ${d.pairs}`;

function metricFindings(metric: SweepMetric, rows: readonly SweepRow[], posterLambda: number): MetricFindings | null {
  const scored = rows.filter((r) => typeof r.scores[metric.key] === "number");
  if (scored.length === 0) return null;
  const lambdas = [...new Set(scored.map((r) => r.distillWeight))].sort((a, b) => a - b);
  const byLambda = lambdas.map((lambda): LambdaSummary => {
    const values = scored.filter((r) => r.distillWeight === lambda).map((r) => ({seed: r.seed, value: r.scores[metric.key]}));
    return {lambda, values, ...summarise(values.map((v) => v.value))};
  });
  const at = (lambda: number) => byLambda.find((s) => Math.abs(s.lambda - lambda) < ON_GRID) ?? null;
  const baseline = at(0);
  const poster = at(posterLambda);
  const optimum = byLambda.reduce((best, s) => (s.mean > best.mean ? s : best));
  const posterVsBaseline = baseline && poster && poster !== baseline ? pairedDifference(baseline, poster) : null;
  const optimumVsBaseline = baseline && optimum !== baseline ? pairedDifference(baseline, optimum) : null;
  const outcome = outcomeOf(posterVsBaseline);
  const sds = byLambda.filter((s) => s.n >= 2).map((s) => s.sd);
  const seedSd = sds.length > 0 ? sds.reduce((a, b) => a + b, 0) / sds.length : null;
  const effectExceedsSpread = posterVsBaseline && seedSd !== null ? Math.abs(posterVsBaseline.mean) > seedSd : null;
  const trend = lambdaTrend(scored.map((r) => ({lambda: r.distillWeight, seed: r.seed, value: r.scores[metric.key]})));

  const sentences: string[] = [];
  const name = metric.label;
  const lambdaWords = `w_d = ${posterLambda} (w_c = ${1 - posterLambda})`;
  if (!baseline || !poster) {
    sentences.push(`${name}: no runs at ${!baseline ? "w_d = 0 (contrastive-only)" : lambdaWords}, so the poster's comparison cannot be made.`);
  } else if (posterVsBaseline) {
    const d = posterVsBaseline;
    const verb = {replicates: "beats", weak: "edges", reversed: "loses to", "weak-reversed": "trails", tie: "ties with", untestable: ""}[outcome];
    sentences.push(
      `${name}: distillation at ${lambdaWords} ${verb} contrastive-only by ${points(d.mean)} (${percent(d.relative)} relative; ${interval(d)}).`
    );
    sentences.push(
      {
        replicates: "The poster's direction replicates here, beyond seed noise.",
        weak: "Same direction as the poster, but the interval includes zero: not distinguishable from seed noise.",
        reversed: "The poster's direction does not replicate: contrastive-only is better here, beyond seed noise.",
        "weak-reversed": "Opposite to the poster, but within seed noise (the interval includes zero).",
        tie: "No difference at all.",
        untestable: ""
      }[outcome]
    );
  } else {
    sentences.push(`${name}: the runs at w_d = 0 and ${lambdaWords} share no seed, so no paired comparison is possible.`);
  }
  if (trend) {
    const where = trend.optimum === 0 ? "w_d = 0, contrastive-only" : `w_d = ${trend.optimum.toFixed(2)}, ${points(trend.gain)} over contrastive-only`;
    const [low, high] = trend.optimumInterval?.map((w) => w.toFixed(2)) ?? [];
    // An interval that is one point (every resampling peaks at the same w_d) is said as what it means.
    const spread = low === undefined
      ? ` (${trend.seeds} seed${trend.seeds === 1 ? "" : "s"}: too few to resample for an interval)`
      : low === high
        ? ` (at least 95% of ${trend.resamples} resamplings of the ${trend.seeds} seeds peak at w_d = ${low} too)`
        : ` (95% interval of the peak over ${trend.resamples} resamplings of the ${trend.seeds} seeds: w_d ${low} to ${high})`;
    sentences.push(`The trend over all ${byLambda.length} weights (a quadratic in w_d, one level per seed) peaks at ${where}${spread}.`);
    // A quadratic fitted to scores that climb and then level off has its vertex past the range, so
    // its peak lands on the last weight whether or not that weight is better than its neighbours.
    const last = byLambda[byLambda.length - 1].lambda;
    if (last > 0 && Math.abs(trend.optimum - last) < ON_GRID) {
      sentences.push(`A peak at the end of the range says only that the fitted curve still rises at w_d = ${last}: the scores may climb to the end or level off before it, which each weight's mean shows.`);
    }
  }
  sentences.push(
    optimum === baseline
      ? `The highest mean is at w_d = 0: contrastive-only (mean ${score(optimum.mean)}).`
      : `The highest mean is at w_d = ${optimum.lambda} (mean ${score(optimum.mean)}${optimumVsBaseline ? `, ${points(optimumVsBaseline.mean)} over contrastive-only${optimumVsBaseline.low === null ? "" : `, 95% interval ${points(optimumVsBaseline.low)} to ${points(optimumVsBaseline.high!)}, not adjusted for picking the highest of ${byLambda.length}`}` : ""}${optimum === poster ? ", the poster's choice" : ""}).`
  );
  if (seedSd !== null && posterVsBaseline) {
    sentences.push(
      effectExceedsSpread
        ? `The difference (${size(posterVsBaseline.mean)}) is larger than the typical spread between seeds (sd ${size(seedSd)}).`
        : `The difference (${size(posterVsBaseline.mean)}) is no larger than the typical spread between seeds (sd ${size(seedSd)}).`
    );
  }
  return {metric, byLambda, baseline, poster, optimum, trend, holmP: null, posterVsBaseline, optimumVsBaseline, outcome, seedSd, effectExceedsSpread, sentences};
}

/**
 * RQ1's verdict from a sweep's runs, computed and worded from the data alone: for each metric,
 * the comparison the poster makes (w_d = `posterLambda` against contrastive-only, paired by
 * seed), where the optimum lies, and whether the difference exceeds the spread between seeds.
 * Rows off the grid w_c = 1 − w_d are left out (and listed).
 */
export function rq1Verdict(rows: readonly SweepRow[], {metrics = SWEEP_METRICS, posterLambda = 0.75}: {metrics?: readonly SweepMetric[]; posterLambda?: number} = {}): Rq1Verdict {
  if (!(posterLambda > 0 && posterLambda <= 1)) throw new Error(`rq1Verdict: posterLambda must be in (0, 1], got ${posterLambda}`);
  const excluded: string[] = [];
  const onGrid = rows.filter((r) => {
    const ok = Math.abs(r.contrastiveWeight + r.distillWeight - 1) < ON_GRID;
    if (!ok) excluded.push(`${r.name}: w_c = ${r.contrastiveWeight}, w_d = ${r.distillWeight} is off the grid w_c = 1 − w_d`);
    return ok;
  });
  // Runs trained with another budget or recipe (steps, batch, learning rate, …) are not
  // comparable: keep the most common recipe, and the earliest listed among equals.
  const counts = new Map<string, number>();
  for (const r of onGrid) counts.set(r.recipe, (counts.get(r.recipe) ?? 0) + 1);
  const recipe = [...counts].reduce<[string, number] | null>((best, c) => (best === null || c[1] > best[1] ? c : best), null)?.[0];
  const comparable = onGrid.filter((r) => {
    if (r.recipe !== recipe) excluded.push(`${r.name}: trained with ${r.recipe}, where the sweep's other runs used ${recipe}`);
    return r.recipe === recipe;
  });
  // Runs without the DR loss at the poster's weighting are the no-DR arm, judged on their own
  // against their DR twins; the rest of the analysis uses the sweep's main recipe.
  const drCounts = [true, false].map((v) => comparable.filter((r) => r.dr === v).length);
  const armDr = drCounts[0] < drCounts[1];
  const arm = comparable.filter((r) => r.dr === armDr && drCounts[0] > 0 && drCounts[1] > 0);
  const main = comparable.filter((r) => !arm.includes(r));
  for (const r of arm) if (Math.abs(r.distillWeight - posterLambda) >= ON_GRID) excluded.push(`${r.name}: ${armDr ? "with" : "without"} the DR loss, off the poster's weighting`);
  const students = new Set(main.map((r) => r.student));
  if (students.size > 1) excluded.push(`the runs mix students (${[...students].join(", ")}); they are compared together`);
  const found = metrics.map((m) => metricFindings(m, main, posterLambda)).filter((f): f is MetricFindings => f !== null);
  // The family is the suites: each score once, as a group mean only re-counts its suites.
  const family = found.filter((f) => f.metric.kind === "suite");
  const adjusted = holmAdjust(family.map((f) => f.posterVsBaseline?.p ?? null));
  const findings = found.map((f) => (f.metric.kind === "suite" ? {...f, holmP: adjusted[family.indexOf(f)]} : f));
  const lambdas = [...new Set(main.map((r) => r.distillWeight))].sort((a, b) => a - b);
  const seeds = [...new Set(main.map((r) => r.seed))].sort((a, b) => a - b);
  if (findings.length === 0) {
    return {runs: main.length, lambdas, seeds, posterLambda, excluded, metrics: findings, power: null, drArm: null, headline: "No runs to judge yet.", sentences: []};
  }
  const lead = findings[0];
  const primary = lead.posterVsBaseline;
  const power =
    primary && primary.high !== null
      ? (() => {
          const halfWidth = primary.high - primary.mean;
          const sd = (halfWidth * Math.sqrt(primary.pairs)) / tQuantile975(primary.pairs - 1);
          return {halfWidth, pairs: primary.pairs, seedsNeeded: seedsForHalfWidth(sd, RQ1_PREREGISTRATION.targetHalfWidth, tQuantile975)};
        })()
      : null;
  const atPoster = (rows: readonly SweepRow[], key: string) => ({
    values: rows.filter((r) => Math.abs(r.distillWeight - posterLambda) < ON_GRID && typeof r.scores[key] === "number").map((r) => ({seed: r.seed, value: r.scores[key]}))
  });
  const armAtPoster = atPoster(arm, lead.metric.key);
  const armDifference = armAtPoster.values.length === 0 ? null : pairedDifference(atPoster(main, lead.metric.key), armAtPoster);
  const armScores = found.flatMap(({metric}): ArmScores[] => {
    const {values} = atPoster(arm, metric.key);
    return values.length === 0 ? [] : [{metric, values, ...summarise(values.map((v) => v.value))}];
  });
  const drArm = armDifference ? {withDr: armDr, difference: armDifference, scores: armScores} : null;
  const base = {runs: main.length, lambdas, seeds, posterLambda, excluded, metrics: findings, power, drArm};
  const headline = {
    replicates: `RQ1 replicates on ${lead.metric.label}: distillation (w_d = ${posterLambda}) beats contrastive-only beyond seed noise.`,
    weak: `On ${lead.metric.label}, distillation (w_d = ${posterLambda}) is ahead of contrastive-only, but within seed noise.`,
    reversed: `RQ1 does not replicate on ${lead.metric.label}: contrastive-only beats distillation (w_d = ${posterLambda}) beyond seed noise.`,
    "weak-reversed": `On ${lead.metric.label}, contrastive-only is ahead of distillation (w_d = ${posterLambda}), but within seed noise.`,
    tie: `On ${lead.metric.label}, distillation (w_d = ${posterLambda}) and contrastive-only tie.`,
    untestable: `RQ1 cannot be judged yet: ${lead.sentences[0]}`
  }[lead.outcome];
  const suites = findings.filter((f) => f.metric.kind === "suite" && f.posterVsBaseline);
  const ahead = suites.filter((f) => f.posterVsBaseline!.mean > 0);
  const behind = suites.filter((f) => f.posterVsBaseline!.mean < 0);
  const beyond = (fs: MetricFindings[]) => fs.filter((f) => ["replicates", "reversed"].includes(rowOutcome(f))).length;
  const sentences = [...lead.sentences];
  if (power) {
    sentences.push(
      `Power: the primary interval is ±${(100 * power.halfWidth).toFixed(1)} points over ${power.pairs} paired seeds; ±${(100 * RQ1_PREREGISTRATION.targetHalfWidth).toFixed(0)} point${power.seedsNeeded === null ? " is out of reach at this spread" : ` needs about ${power.seedsNeeded} seeds`}.`
    );
  }
  if (drArm) {
    sentences.push(`Secondary: ${lead.metric.label} at w_d = ${posterLambda} ${drArm.withDr ? "with" : "without"} the DR loss is ${points(drArm.difference.mean)} against the sweep's recipe (${interval(drArm.difference)}).`);
  }
  if (suites.length > 1) {
    sentences.push(
      `Secondary, each of the ${suites.length} suites counted once (group means only re-count them): distillation is ahead on ${ahead.length} (beyond seed noise on ${beyond(ahead)} after Holm's correction for ${suites.length} tests) and behind on ${behind.length} (beyond seed noise on ${beyond(behind)}).`
    );
  }
  return {...base, headline, sentences};
}
