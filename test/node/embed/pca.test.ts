import {describe, expect, it} from "vitest";
import {pca, project} from "../../../src/lib/embed/pca.js";
import {Rng} from "../../../src/lib/random/rng.js";

const S = Math.SQRT1_2;

/** Rows `mean + a·u + b·w` for the given (a, b) pairs, 3 wide. */
function plane(mean: number[], u: number[], w: number[], coefficients: [number, number][]): Float64Array {
  return Float64Array.from(coefficients.flatMap(([a, b]) => mean.map((m, j) => m + a * u[j] + b * w[j])));
}

describe("pca", () => {
  // Four points around (1, 2, 3): ±3 along (1,1,0)/√2 and ±1 along (0,0,1), uncorrelated.
  // Sample variances (n − 1 = 3): 36/3 = 12 and 4/3; shares 0.9 and 0.1.
  const pairs: [number, number][] = [[3, 1], [3, -1], [-3, 1], [-3, -1]];
  const rows = plane([1, 2, 3], [S, S, 0], [0, 0, 1], pairs);

  it("finds the known components, variances and coordinates of a hand-made set", () => {
    const fit = pca(rows, 4, 3);
    expect(Array.from(fit.components.subarray(0, 3))).toEqual([expect.closeTo(S, 12), expect.closeTo(S, 12), expect.closeTo(0, 12)]);
    expect(Array.from(fit.components.subarray(3, 6))).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), expect.closeTo(1, 12)]);
    expect(fit.variances[0]).toBeCloseTo(12, 10);
    expect(fit.variances[1]).toBeCloseTo(4 / 3, 10);
    expect(fit.explained[0]).toBeCloseTo(0.9, 10);
    expect(fit.explained[1]).toBeCloseTo(0.1, 10);
    expect(Array.from(fit.mean)).toEqual([expect.closeTo(1, 12), expect.closeTo(2, 12), expect.closeTo(3, 12)]);
    expect(Array.from(fit.points)).toEqual(pairs.flat().map((v) => expect.closeTo(v, 5)));
  });

  it("makes each component's largest coordinate positive, whatever the data's orientation", () => {
    // Along (0, −3, 4)/5: the largest coordinate is the third, so the component is (0, −0.6, 0.8).
    const u = [0, -0.6, 0.8];
    const w = [1, 0, 0];
    for (const flip of [1, -1]) {
      const fit = pca(plane([0, 0, 0], u.map((x) => flip * x), w, [[5, 0.5], [-5, 0.5], [2, -0.5], [-2, -0.5]]), 4, 3);
      expect(Array.from(fit.components.subarray(0, 3))).toEqual(u.map((x) => expect.closeTo(x, 12)));
      expect(Array.from(fit.components.subarray(3, 6))).toEqual(w.map((x) => expect.closeTo(x, 12)));
    }
    // Row order does not matter either.
    const reversed = Float64Array.from(pairs.slice().reverse().flatMap(([a, b]) => [1 + a * S, 2 + a * S, 3 + b]));
    expect(Array.from(pca(reversed, 4, 3).components)).toEqual(Array.from(pca(rows, 4, 3).components).map((x) => expect.closeTo(x, 12)));
  });

  it("with align, points each component the way an earlier fit's did", () => {
    const previous = Float64Array.from([-S, -S, 0, 0, 0, -1]);
    const fit = pca(rows, 4, 3, 2, {align: previous});
    expect(Array.from(fit.components)).toEqual(Array.from(previous).map((x) => expect.closeTo(x, 12)));
    expect(Array.from(fit.points)).toEqual(pairs.flat().map((v) => expect.closeTo(-v, 5)));
    expect(() => pca(rows, 4, 3, 2, {align: [1, 0, 0]})).toThrow(/align has 3 values, expected k × dim = 2 × 3/);
  });

  it("returns orthonormal eigenvectors of the covariance on random correlated data", () => {
    const rng = new Rng(3);
    const count = 200;
    const dim = 12;
    const mix = Array.from({length: dim * dim}, () => rng.normal());
    const rows = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      const z = Array.from({length: dim}, (_, j) => rng.normal() * (dim - j));
      for (let j = 0; j < dim; j++) rows[r * dim + j] = z.reduce((s, x, i) => s + x * mix[i * dim + j], 0);
    }
    const fit = pca(rows, count, dim, 4);
    const cov = (a: number, b: number) => {
      let s = 0;
      for (let r = 0; r < count; r++) s += (rows[r * dim + a] - fit.mean[a]) * (rows[r * dim + b] - fit.mean[b]);
      return s / (count - 1);
    };
    const c = Array.from({length: dim * dim}, (_, i) => cov(Math.floor(i / dim), i % dim));
    const component = (k: number) => Array.from(fit.components.subarray(k * dim, (k + 1) * dim));
    for (let k = 0; k < 4; k++) {
      const v = component(k);
      const cv = v.map((_, a) => v.reduce((s, x, b) => s + c[a * dim + b] * x, 0));
      const residual = Math.max(...cv.map((x, a) => Math.abs(x - fit.variances[k] * v[a])));
      expect(residual / fit.variances[0]).toBeLessThan(1e-9);
      for (let l = 0; l <= k; l++) expect(v.reduce((s, x, j) => s + x * component(l)[j], 0)).toBeCloseTo(k === l ? 1 : 0, 10);
      if (k > 0) expect(fit.variances[k]).toBeLessThanOrEqual(fit.variances[k - 1]);
    }
    // The coordinates' variance along each component is that component's eigenvalue.
    const coordinateVariance = (k: number) => {
      let s = 0;
      for (let r = 0; r < count; r++) s += fit.points[r * 4 + k] ** 2;
      return s / (count - 1);
    };
    for (let k = 0; k < 4; k++) expect(coordinateVariance(k) / fit.variances[k]).toBeCloseTo(1, 4);
    expect(fit.explained.reduce((a, b) => a + b, 0)).toBeLessThan(1);
  });

  it("projects new rows with the fitted mean and components", () => {
    const fit = pca(rows, 4, 3);
    const other = Float64Array.from([1 + 2 * S, 2 + 2 * S, 3 - 7]);
    expect(Array.from(project(fit, other, 1))).toEqual([expect.closeTo(2, 5), expect.closeTo(-7, 5)]);
  });

  it("rejects bad input naming the argument", () => {
    expect(() => pca(rows, 1, 3)).toThrow(/count must be an integer ≥ 2/);
    expect(() => pca(rows, 4, 0)).toThrow(/dim must be an integer ≥ 1/);
    expect(() => pca(rows, 4, 3, 4)).toThrow(/k must be an integer in 1\.\.dim/);
    expect(() => pca(rows, 3, 3)).toThrow(/rows has 12 values, expected count × dim = 3 × 3/);
    expect(() => pca(Float64Array.from([...rows.subarray(0, 11), NaN]), 4, 3)).toThrow(/rows\[11\] is NaN \(row 3\)/);
    expect(() => project(pca(rows, 4, 3), [1, 2], 1)).toThrow(/project: rows has 2 values/);
  });
});
