import {describe, expect, it} from "vitest";
import {Rng} from "../../../src/lib/random/rng.js";
import {bootstrapExponent, bootstrapRatio, type PassSeries} from "../../../src/lib/rq/latencyBootstrap.js";

const TOKENS = [1025, 2305, 4097];
/** Passes of a known law 0.2 · x^1.3, each off by lognormal noise of 15% (a busy machine). */
const noisySeries = (passes: number, seed: number): PassSeries[] => {
  const rng = new Rng(seed);
  return TOKENS.map((x) => ({x, times: Array.from({length: passes}, () => 0.2 * x ** 1.3 * Math.exp(0.15 * rng.normal()))}));
};

describe("bootstrapExponent", () => {
  it("covers the true exponent about 95% of the time on noisy passes, and narrows with more passes", () => {
    const runs = (passes: number) => Array.from({length: 20}, (_, i) => bootstrapExponent(noisySeries(passes, i + 1), {resamples: 200})!);
    const few = runs(10);
    const many = runs(40);
    const covered = (ivs: {low: number; high: number}[]) => ivs.filter((iv) => iv.low < 1.3 && iv.high > 1.3).length / ivs.length;
    const width = (ivs: {low: number; high: number}[]) => ivs.reduce((s, iv) => s + iv.high - iv.low, 0) / ivs.length;
    // A percentile bootstrap of a median runs a little below its nominal 95% with few passes.
    expect(covered(few)).toBeGreaterThanOrEqual(0.8);
    expect(covered(many)).toBeGreaterThanOrEqual(0.8);
    // Four times the passes: about half the width (1/√4); the rest is slack for noise.
    expect(width(many)).toBeLessThan(0.7 * width(few));
  });

  it("is zero-width where passes agree, the same for the same seed, and other for another", () => {
    const exact = bootstrapExponent(TOKENS.map((x) => ({x, times: [x, x, x]})))!;
    expect(exact.low).toBeCloseTo(1, 12);
    expect(exact.high).toBeCloseTo(1, 12);
    const s = noisySeries(6, 9);
    expect(bootstrapExponent(s, {resamples: 300, seed: 4})).toEqual(bootstrapExponent(s, {resamples: 300, seed: 4}));
    expect(bootstrapExponent(s, {resamples: 300, seed: 4})).not.toEqual(bootstrapExponent(s, {resamples: 300, seed: 5}));
  });

  it("claims nothing from a single pass or a single size, and names a bad resample count", () => {
    expect(bootstrapExponent([{x: 1025, times: [5, 6]}, {x: 4097, times: [20]}])).toBeNull();
    expect(bootstrapExponent([{x: 1025, times: [5, 6]}])).toBeNull();
    expect(() => bootstrapExponent(noisySeries(3, 1), {resamples: 0})).toThrow(/resamples must be an integer ≥ 1, got 0/);
  });
});

describe("bootstrapRatio", () => {
  it("covers the true ratio of two noisy encoders about 95% of the time, and needs two passes of each", () => {
    const rng = new Rng(3);
    const draw = (ms: number) => Array.from({length: 15}, () => ms * Math.exp(0.2 * rng.normal()));
    const ivs = Array.from({length: 30}, () => bootstrapRatio(draw(40), draw(100), {resamples: 300})!);
    expect(ivs.filter((iv) => iv.low < 0.4 && iv.high > 0.4).length).toBeGreaterThanOrEqual(24);
    for (const iv of ivs) expect(iv.high - iv.low).toBeLessThan(0.3);
    const b = draw(100);
    expect(bootstrapRatio([1], b)).toBeNull();
  });
});
