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
  return {pairs: pairs.length, mean: diff.mean, low: diff.low, high: diff.high, relative: diff.mean / baseMean, wins: pairs.filter((p) => p.b > p.a).length};
}
