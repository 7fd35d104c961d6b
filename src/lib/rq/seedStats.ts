/**
 * Summaries of a handful of seeds: mean, sample standard deviation and a 95% confidence interval
 * for the mean from Student's t (with 3 seeds the normal 1.96 would understate the interval by
 * more than half).
 */
export interface SeedSummary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  readonly sd: number;
  /** The 95% interval of the mean; null with fewer than two values. */
  readonly low: number | null;
  readonly high: number | null;
}

// Two-sided 95% quantiles of Student's t, t_{0.975, df}, for df = 1..30 (standard tables).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08,
  2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042
];
const Z975 = 1.959964;

/** t_{0.975, df}: the table up to 30 degrees of freedom, Cornish–Fisher's expansion beyond (error < 1e-3). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`tQuantile975: df must be an integer ≥ 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = Z975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/**
 * The regularised incomplete beta function I_x(a, b), from its continued fraction (modified
 * Lentz), mirrored through I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
 */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const logFront = a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-14) break;
  }
  return (Math.exp(logFront) * f) / a;
}

/** ln Γ by Lanczos' approximation (g = 7, 9 terms; relative error below 1e-13 for x > 0). */
function logGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = g[0];
  for (let i = 1; i < 9; i++) sum += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

/** The two-sided p-value of Student's t statistic `t` with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`tTwoSidedP: df must be > 0, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Mean, sd and 95% t-interval of `values` (finite numbers, at least one). */
export function summarise(values: readonly number[]): SeedSummary {
  if (values.length === 0) throw new Error("summarise: values must hold at least one number");
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`summarise: values[${i}] must be a finite number, got ${v}`);
  });
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return {n, mean, sd: 0, low: null, high: null};
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return {n, mean, sd, low: mean - half, high: mean + half};
}

/** One setting's scores, each with the seed that produced it. */
export interface SeedValues {
  readonly values: readonly {seed: number; value: number}[];
}

/** b − a over the seeds both have (same seed, different setting), in score units. */
export interface PairedDifference {
  readonly pairs: number;
  readonly mean: number;
  /** 95% interval of the mean difference; null with fewer than two pairs. */
  readonly low: number | null;
  readonly high: number | null;
  /** Mean difference over the mean of a on the paired seeds. */
  readonly relative: number;
  /** Seeds where b beat a. */
  readonly wins: number;
  /**
   * Two-sided p-value of the paired t-test (H0: no difference); null with fewer than two pairs.
   * Identical pairs (sd 0) give 1 when the mean is 0, else 0.
   */
  readonly p: number | null;
}

/**
 * The paired difference b − a by seed; null when they share no seed. Pairing removes what the
 * seed alone decides (initial weights, batch order), which at small scale is often larger than
 * the effect of the setting (docs/method.md, "Seeds and paired comparisons").
 */
export function pairedDifference(a: SeedValues, b: SeedValues): PairedDifference | null {
  const byA = new Map(a.values.map((v) => [v.seed, v.value]));
  const pairs = b.values.filter((v) => byA.has(v.seed)).map((v) => ({a: byA.get(v.seed)!, b: v.value}));
  if (pairs.length === 0) return null;
  const diff = summarise(pairs.map((p) => p.b - p.a));
  const baseMean = pairs.reduce((s, p) => s + p.a, 0) / pairs.length;
  const n = pairs.length;
  const p = n < 2 ? null : diff.sd === 0 ? (diff.mean === 0 ? 1 : 0) : tTwoSidedP(diff.mean / (diff.sd / Math.sqrt(n)), n - 1);
  return {pairs: n, mean: diff.mean, low: diff.low, high: diff.high, relative: diff.mean / baseMean, wins: pairs.filter((q) => q.b > q.a).length, p};
}
