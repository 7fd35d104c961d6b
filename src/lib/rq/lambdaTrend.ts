import {Rng} from "../random/rng.js";
import {percentile} from "./percentile.js";

/** One run's score at its distillation weight λ, and the seed that trained it. */
export interface LambdaPoint {
  readonly lambda: number;
  readonly seed: number;
  readonly value: number;
}

/** A quadratic in λ with a level per seed: score ≈ level(seed) + b1·λ + b2·λ². */
export interface QuadraticTrend {
  readonly b1: number;
  readonly b2: number;
  /** Where the fitted curve is highest on [0, 1]. */
  readonly optimum: number;
  /** The fitted gain over λ = 0 at the optimum, b1·λ* + b2·λ*² (score units). */
  readonly gain: number;
}

export interface LambdaTrend extends QuadraticTrend {
  readonly seeds: number;
  /** 95% percentile intervals over seed-resampling bootstraps; null with fewer than 3 seeds. */
  readonly optimumInterval: readonly [number, number] | null;
  readonly gainInterval: readonly [number, number] | null;
  readonly resamples: number;
}

/** The gain over λ = 0 the curve gives at λ. */
export const trendGain = (t: Pick<QuadraticTrend, "b1" | "b2">, lambda: number) => t.b1 * lambda + t.b2 * lambda * lambda;

/**
 * Least squares of the quadratic with one level per seed (the seed's own shift, as pairing
 * removes it), through the within-seed deviations; null when λ and λ² cannot both be told
 * apart from the seeds' levels (fewer than three weights, or seeds with a single run).
 */
export function fitQuadratic(points: readonly LambdaPoint[]): QuadraticTrend | null {
  const bySeed = new Map<number, LambdaPoint[]>();
  for (const p of points) bySeed.set(p.seed, [...(bySeed.get(p.seed) ?? []), p]);
  let sxx = 0, sxz = 0, szz = 0, sxy = 0, szy = 0;
  for (const group of bySeed.values()) {
    const mean = (f: (p: LambdaPoint) => number) => group.reduce((s, p) => s + f(p), 0) / group.length;
    const mx = mean((p) => p.lambda);
    const mz = mean((p) => p.lambda ** 2);
    const my = mean((p) => p.value);
    for (const p of group) {
      const x = p.lambda - mx;
      const z = p.lambda ** 2 - mz;
      const y = p.value - my;
      sxx += x * x;
      sxz += x * z;
      szz += z * z;
      sxy += x * y;
      szy += z * y;
    }
  }
  const det = sxx * szz - sxz * sxz;
  if (!(det > 1e-12 * Math.max(1, sxx * szz))) return null;
  const b1 = (szz * sxy - sxz * szy) / det;
  const b2 = (sxx * szy - sxz * sxy) / det;
  // The vertex if the curve bends down inside [0, 1], else the better end.
  const candidates = [0, 1, ...(b2 < 0 ? [Math.min(1, Math.max(0, -b1 / (2 * b2)))] : [])];
  const optimum = candidates.reduce((best, l) => (trendGain({b1, b2}, l) > trendGain({b1, b2}, best) ? l : best));
  return {b1, b2, optimum, gain: trendGain({b1, b2}, optimum)};
}

/**
 * The trend of a score over λ, to argue where the optimum lies from every weight at once rather
 * than from the largest of several noisy means. Its intervals come from resampling whole seeds
 * with replacement (each seed keeps all its runs), seeded, so the page and the tests agree.
 */
export function lambdaTrend(points: readonly LambdaPoint[], {resamples = 2000, seed = 1}: {resamples?: number; seed?: number} = {}): LambdaTrend | null {
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.lambda) && Number.isFinite(p.value))) throw new Error(`lambdaTrend: points[${i}] must have a finite lambda and value, got ${p.lambda}, ${p.value}`);
  });
  const fit = fitQuadratic(points);
  if (!fit) return null;
  const seeds = [...new Set(points.map((p) => p.seed))];
  if (seeds.length < 3) return {...fit, seeds: seeds.length, optimumInterval: null, gainInterval: null, resamples: 0};
  const rng = new Rng(seed);
  const optima: number[] = [];
  const gains: number[] = [];
  for (let r = 0; r < resamples; r++) {
    // Drawn seeds are renumbered so a seed drawn twice counts as two seeds with their own levels.
    const sample = seeds.flatMap((_, k) => {
      const drawn = seeds[rng.int(seeds.length)];
      return points.filter((p) => p.seed === drawn).map((p) => ({...p, seed: k}));
    });
    const f = fitQuadratic(sample);
    if (!f) continue;
    optima.push(f.optimum);
    gains.push(f.gain);
  }
  optima.sort((a, b) => a - b);
  gains.sort((a, b) => a - b);
  const interval = (xs: number[]) => (xs.length === 0 ? null : ([percentile(xs, 0.025), percentile(xs, 0.975)] as const));
  return {...fit, seeds: seeds.length, optimumInterval: interval(optima), gainInterval: interval(gains), resamples: optima.length};
}
