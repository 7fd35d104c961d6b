import {afterEach, describe, expect, it, vi} from "vitest";
import {umapLayout} from "../../../src/lib/embed/umap.js";
import {Rng} from "../../../src/lib/random/rng.js";

/** Three tight clusters of 12 points in 6-D, far apart. */
function clusters(): {rows: Float32Array; labels: number[]} {
  const rng = new Rng(5);
  const dim = 6;
  const labels = Array.from({length: 36}, (_, i) => i % 3);
  const rows = new Float32Array(labels.length * dim);
  labels.forEach((label, r) => {
    for (let j = 0; j < dim; j++) rows[r * dim + j] = (j % 3 === label ? 10 : 0) + 0.3 * rng.normal();
  });
  return {rows, labels};
}

afterEach(() => vi.restoreAllMocks());

describe("umapLayout", () => {
  const {rows, labels} = clusters();
  const options = {seed: 11, nNeighbors: 8, nEpochs: 80};

  it("repeats a layout exactly for the same seed, and never draws from Math.random", () => {
    const random = vi.spyOn(Math, "random");
    const a = umapLayout(rows, 36, 6, options);
    const b = umapLayout(rows, 36, 6, options);
    expect(random).not.toHaveBeenCalled();
    expect(a.length).toBe(72);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(umapLayout(rows, 36, 6, {...options, seed: 12}))).not.toEqual(Array.from(a));
  });

  it("keeps each cluster together, apart from the others", () => {
    const layout = umapLayout(rows, 36, 6, options);
    const distance = (i: number, j: number) => Math.hypot(layout[2 * i] - layout[2 * j], layout[2 * i + 1] - layout[2 * j + 1]);
    const pairs = labels.flatMap((_, i) => labels.map((__, j) => ({i, j})).filter(({j}) => j > i));
    const mean = (same: boolean) => {
      const ds = pairs.filter(({i, j}) => (labels[i] === labels[j]) === same).map(({i, j}) => distance(i, j));
      return ds.reduce((s, d) => s + d, 0) / ds.length;
    };
    expect(mean(true) * 3).toBeLessThan(mean(false));
  });

  it("rejects bad input naming the argument", () => {
    expect(() => umapLayout(rows, 2, 6, options)).toThrow(/count must be an integer ≥ 3/);
    expect(() => umapLayout(rows, 36, 5, options)).toThrow(/rows has 216 values, expected count × dim = 36 × 5/);
    expect(() => umapLayout(rows, 36, 6, {...options, seed: NaN})).toThrow(/options.seed must be a finite number/);
    expect(() => umapLayout(rows, 36, 6, {...options, nNeighbors: 1})).toThrow(/options.nNeighbors must be an integer ≥ 2/);
    const bad = rows.slice();
    bad[7] = Infinity;
    expect(() => umapLayout(bad, 36, 6, options)).toThrow(/row 1 holds a non-finite value/);
  });
});
