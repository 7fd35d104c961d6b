import {describe, expect, it} from "vitest";
import {fitQuadratic, lambdaTrend, type LambdaPoint} from "../../../src/lib/rq/lambdaTrend.js";
import {Rng} from "../../../src/lib/random/rng.js";

const EIGHTHS = Array.from({length: 9}, (_, k) => k / 8);
const points = (f: (l: number) => number, seeds: number[], shift = (s: number) => 0.02 * s, noise = 0, seed = 3): LambdaPoint[] => {
  const rng = new Rng(seed);
  return seeds.flatMap((s) => EIGHTHS.map((lambda) => ({lambda, seed: s, value: f(lambda) + shift(s) + noise * rng.normal()})));
};

describe("lambdaTrend", () => {
  it("recovers a quadratic exactly, whatever level each seed has", () => {
    const fit = fitQuadratic(points((l) => 0.3 + 0.08 * l - 0.05 * l * l, [1, 2, 3]))!;
    expect(fit.b1).toBeCloseTo(0.08, 10);
    expect(fit.b2).toBeCloseTo(-0.05, 10);
    expect(fit.optimum).toBeCloseTo(0.8, 10);
    expect(fit.gain).toBeCloseTo(0.08 * 0.8 - 0.05 * 0.64, 10);
  });

  it("puts the optimum at an end when the curve does not bend down inside [0, 1]", () => {
    expect(fitQuadratic(points((l) => 0.3 - 0.04 * l, [1, 2]))!.optimum).toBe(0);
    expect(fitQuadratic(points((l) => 0.3 + 0.02 * l * l, [1, 2]))!.optimum).toBe(1);
  });

  it("gives a seed-bootstrap interval that narrows with more seeds and covers the true peak", () => {
    const truth = (l: number) => 0.3 + 0.08 * l - 0.05 * l * l;
    const few = lambdaTrend(points(truth, [1, 2, 3, 4], undefined, 0.01, 5))!;
    const many = lambdaTrend(points(truth, Array.from({length: 32}, (_, i) => i + 1), undefined, 0.01, 5))!;
    const width = (t: typeof few) => t.optimumInterval![1] - t.optimumInterval![0];
    expect(width(many)).toBeLessThan(width(few));
    expect(many.optimumInterval![0]).toBeLessThanOrEqual(0.8);
    expect(many.optimumInterval![1]).toBeGreaterThanOrEqual(0.8);
    // Seeded: the page and the tests see the same interval.
    expect(lambdaTrend(points(truth, [1, 2, 3, 4], undefined, 0.01, 5))).toEqual(few);
  });

  it("has no interval under three seeds and no fit under three weights", () => {
    expect(lambdaTrend(points((l) => l, [1, 2]))!.optimumInterval).toBeNull();
    expect(lambdaTrend([0, 1].flatMap((lambda) => [1, 2, 3].map((seed) => ({lambda, seed, value: lambda}))))).toBeNull();
    expect(() => lambdaTrend([{lambda: NaN, seed: 1, value: 0}])).toThrow("lambdaTrend: points[0] must have a finite lambda and value, got NaN, 0");
  });
});
