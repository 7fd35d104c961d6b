import {Rng} from "../random/rng.js";
import {median} from "./latencyStudy.js";
import {percentile} from "./percentile.js";
import {fitPowerLaw} from "./scalingFit.js";

/** A 95% interval: the 2.5th and 97.5th percentiles of the resampled statistic. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** The timed passes (ms) of one size, at x tokens. */
export interface PassSeries {
  readonly x: number;
  readonly times: readonly number[];
}

export interface BootstrapOptions {
  readonly resamples?: number;
  /** Seeded, so the page, the benchmark file and the tests state the same interval. */
  readonly seed?: number;
}

/** The median of `times` drawn again with replacement, as many as there are. */
const resampledMedian = (times: readonly number[], rng: Rng) => median(times.map(() => times[rng.int(times.length)]));

function percentileInterval(values: number[]): Interval {
  values.sort((a, b) => a - b);
  return {low: percentile(values, 0.025), high: percentile(values, 0.975)};
}

function checkResamples(resamples: number, name: string): void {
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`${name}: resamples must be an integer ≥ 1, got ${resamples}`);
}

/**
 * How far the pass-to-pass noise alone moves a fitted exponent: each size's passes are drawn
 * again with replacement, their median taken and the power law refitted. This is the noise a
 * busy machine adds, which a t-interval across sizes does not see (three sizes fit a line
 * closely whatever each median was). Null when a size has a single pass, which a resample
 * could only repeat, so an interval would claim a precision nobody measured.
 */
export function bootstrapExponent(series: readonly PassSeries[], {resamples = 2000, seed = 1}: BootstrapOptions = {}): Interval | null {
  checkResamples(resamples, "bootstrapExponent");
  if (new Set(series.map((s) => s.x)).size < 2 || series.some((s) => s.times.length < 2)) return null;
  const rng = new Rng(seed);
  const exponents: number[] = [];
  for (let r = 0; r < resamples; r++) exponents.push(fitPowerLaw(series.map((s) => ({x: s.x, y: resampledMedian(s.times, rng)}))).exponent);
  return percentileInterval(exponents);
}

/** The ratio of the medians of `a` and `b` with each resampled apart; null unless both have two passes. */
export function bootstrapRatio(a: readonly number[], b: readonly number[], {resamples = 2000, seed = 1}: BootstrapOptions = {}): Interval | null {
  checkResamples(resamples, "bootstrapRatio");
  if (a.length < 2 || b.length < 2) return null;
  const rng = new Rng(seed);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) ratios.push(resampledMedian(a, rng) / resampledMedian(b, rng));
  return percentileInterval(ratios);
}
