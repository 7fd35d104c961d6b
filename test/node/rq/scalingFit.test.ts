import {describe, expect, it} from "vitest";
import {crossings, fitPowerLaw} from "../../../src/lib/rq/scalingFit.js";

const series = (xs: number[], f: (x: number) => number) => xs.map((x) => ({x, y: f(x)}));
const TOKENS = [65, 257, 577, 1025, 2305, 4097];

describe("fitPowerLaw", () => {
  it("recovers an exact power law", () => {
    const fit = fitPowerLaw(series(TOKENS, (x) => 0.02 * x ** 1.7));
    expect(fit.exponent).toBeCloseTo(1.7, 10);
    expect(fit.coefficient).toBeCloseTo(0.02, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect([fit.n, fit.xMin, fit.xMax]).toEqual([6, 65, 4097]);
  });

  it("matches a hand-computed least-squares slope on noisy points", () => {
    // log y = [0, 1, 3] at log x = [0, 1, 2]: slope 1.5, intercept −1/6; residuals ±1/6, 1/3 → R² = 1 − (1/6)/(14/3).
    const fit = fitPowerLaw([0, 1, 2].map((lx, i) => ({x: Math.exp(lx), y: Math.exp([0, 1, 3][i])})));
    expect(fit.exponent).toBeCloseTo(1.5, 12);
    expect(Math.log(fit.coefficient)).toBeCloseTo(-1 / 6, 12);
    expect(fit.r2).toBeCloseTo(1 - 1 / 6 / (14 / 3), 12);
    // Slope standard error sqrt(ssRes / (n − 2) / Sxx) = sqrt((1/6) / 1 / 2); t at 1 degree of freedom 12.706.
    expect(fit.exponentLow).toBeCloseTo(1.5 - 12.706 * Math.sqrt(1 / 12), 12);
    expect(fit.exponentHigh).toBeCloseTo(1.5 + 12.706 * Math.sqrt(1 / 12), 12);
  });

  it("gives no exponent interval through two points, and a zero-width one through an exact law", () => {
    const two = fitPowerLaw(series([64, 256], (x) => x));
    expect([two.exponentLow, two.exponentHigh]).toEqual([null, null]);
    const exact = fitPowerLaw(series(TOKENS, (x) => 3 * x));
    expect(exact.exponentHigh! - exact.exponentLow!).toBeLessThan(1e-9);
  });

  it("needs two distinct positive x", () => {
    expect(() => fitPowerLaw([{x: 4, y: 1}])).toThrow(/at least two distinct x, got 1 point/);
    expect(() => fitPowerLaw([{x: 4, y: 1}, {x: 4, y: 2}])).toThrow(/two distinct x/);
    expect(() => fitPowerLaw([{x: 4, y: 1}, {x: 8, y: 0}])).toThrow(/points\[1\] must have finite x > 0 and y > 0, got \(8, 0\)/);
  });
});

describe("crossings", () => {
  it("finds where a linear series overtakes a quadratic one, interpolated in log–log", () => {
    // a = 2x, b = x²/100: equal at x = 200, exactly on the log–log line between 65 and 257.
    const found = crossings(series(TOKENS, (x) => 2 * x), series(TOKENS, (x) => (x * x) / 100));
    expect(found).toHaveLength(1);
    expect(found[0].becomes).toBe("a-faster");
    expect(found[0].x).toBeCloseTo(200, 8);
  });

  it("reports the reverse crossing, and none when one is always below", () => {
    expect(crossings(series(TOKENS, (x) => (x * x) / 100), series(TOKENS, (x) => 2 * x))[0].becomes).toBe("a-slower");
    expect(crossings(series(TOKENS, (x) => x), series(TOKENS, (x) => 2 * x))).toEqual([]);
  });

  it("puts a crossing at a point where the two are equal, and only uses the sizes both have", () => {
    const a = [{x: 10, y: 3}, {x: 20, y: 5}, {x: 30, y: 4}, {x: 35, y: 1}];
    const b = [{x: 10, y: 2}, {x: 20, y: 5}, {x: 30, y: 6}];
    const found = crossings(a, b);
    expect(found).toHaveLength(1);
    expect(found[0].becomes).toBe("a-faster");
    expect(found[0].x).toBeCloseTo(20, 10);
    expect(crossings([{x: 10, y: 2}, {x: 20, y: 5}, {x: 30, y: 6}], [{x: 10, y: 2}, {x: 20, y: 5}])).toEqual([]);
  });
});
