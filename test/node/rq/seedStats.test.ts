import {describe, expect, it} from "vitest";
import {pairedDifference, summarise, tQuantile975, tTwoSidedP} from "../../../src/lib/rq/seedStats.js";

describe("tQuantile975", () => {
  it.each([
    [1, 12.706],
    [2, 4.303],
    [30, 2.042],
    [40, 2.021],
    [60, 2.0],
    [120, 1.98],
    [100000, 1.96]
  ])("df %i → %f (t tables)", (df, expected) => {
    expect(tQuantile975(df)).toBeCloseTo(expected, 2);
  });

  it("rejects a df that is not a positive integer", () => {
    expect(() => tQuantile975(0)).toThrow(/df must be an integer ≥ 1, got 0/);
    expect(() => tQuantile975(2.5)).toThrow(/df/);
  });
});

describe("summarise", () => {
  it("gives mean, sample sd and the t interval", () => {
    const s = summarise([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.sd).toBe(1);
    expect(s.low).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 6);
    expect(s.high).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 6);
  });

  it("has no interval for one value", () => {
    expect(summarise([0.4])).toEqual({n: 1, mean: 0.4, sd: 0, low: null, high: null});
  });

  it("names a bad value", () => {
    expect(() => summarise([])).toThrow(/at least one/);
    expect(() => summarise([1, Number.NaN])).toThrow(/values\[1\] must be a finite number, got NaN/);
  });
});

describe("pairedDifference", () => {
  const a = {values: [{seed: 1, value: 0.5}, {seed: 2, value: 0.4}, {seed: 3, value: 0.6}]};

  it("pairs by seed, ignoring seeds only one side has", () => {
    const b = {values: [{seed: 3, value: 0.7}, {seed: 1, value: 0.45}, {seed: 9, value: 0.9}]};
    const d = pairedDifference(a, b)!;
    expect(d.pairs).toBe(2);
    expect(d.mean).toBeCloseTo((0.1 - 0.05) / 2, 12);
    expect(d.wins).toBe(1);
    expect(d.relative).toBeCloseTo(0.025 / 0.55, 12);
    const spread = summarise([0.1, -0.05]);
    expect(d.low).toBeCloseTo(spread.low!, 12);
  });

  it("is null without a shared seed", () => {
    expect(pairedDifference(a, {values: [{seed: 7, value: 1}]})).toBeNull();
  });
});

describe("tTwoSidedP", () => {
  it("matches Student's t tables", () => {
    // t_{0.975, df} gives p = 0.05; t_{0.995, 7} = 3.499 gives 0.01; t = 0 gives 1.
    for (const df of [1, 2, 7, 30]) expect(tTwoSidedP(tQuantile975(df), df)).toBeCloseTo(0.05, 4);
    expect(tTwoSidedP(3.499, 7)).toBeCloseTo(0.01, 4);
    expect(tTwoSidedP(-3.499, 7)).toBeCloseTo(0.01, 4);
    expect(tTwoSidedP(0, 5)).toBeCloseTo(1, 10);
    // df = 1 is Cauchy: p = 1 − (2/π) atan|t|.
    expect(tTwoSidedP(2.5, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(2.5), 10);
  });

  it("is the paired difference's p, from the same statistic as its interval", () => {
    const a = {values: [1, 2, 3, 4].map((seed) => ({seed, value: 0.4}))};
    const b = {values: [0.43, 0.41, 0.44, 0.42].map((value, i) => ({seed: i + 1, value}))};
    const d = pairedDifference(a, b)!;
    const t = d.mean / ((d.high! - d.mean) / tQuantile975(3));
    expect(d.p).toBeCloseTo(tTwoSidedP(t, 3), 12);
    expect(d.p).toBeLessThan(0.05);
    expect(d.low).toBeGreaterThan(0);
  });
});
