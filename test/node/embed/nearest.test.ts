import {describe, expect, it} from "vitest";
import {meanSliceCosine, topK} from "../../../src/lib/embed/nearest.js";
import {slicesOf} from "../../../src/lib/embed/slices.js";
import {Rng} from "../../../src/lib/random/rng.js";

describe("meanSliceCosine", () => {
  // Two "teachers" of width 2: the query points along x in the first and along y in the second.
  const query = [1, 0, 0, 1];
  const rows = [
    [2, 0, 0, 3], // cosine 1 and 1
    [0, 1, 0, 1], // 0 and 1
    [1, 1, 0, -1], // 1/√2 and −1
    [0, 0, 0, 0] // no direction: 0
  ].flat();

  it("averages the per-slice cosines of hand-made rows", () => {
    const scores = meanSliceCosine(query, rows, 4, slicesOf([2, 2]));
    expect(Array.from(scores)).toEqual([1, 0.5, (Math.SQRT1_2 - 1) / 2, 0].map((v) => expect.closeTo(v, 6)));
  });

  it("is plain cosine with one slice over the whole row", () => {
    const scores = meanSliceCosine(query, rows, 4, slicesOf([4]));
    const cosine = (r: number[]) => (r[0] + r[3]) / (Math.SQRT2 * Math.hypot(...r) || Infinity);
    expect(Array.from(scores)).toEqual([0, 1, 2, 3].map((i) => expect.closeTo(cosine(rows.slice(4 * i, 4 * i + 4)), 6)));
  });

  it("rejects rows, slices and widths that do not fit", () => {
    expect(() => meanSliceCosine(query, rows, 3, slicesOf([4]))).toThrow(/rows has 16 values, expected count × query.length = 3 × 4/);
    expect(() => meanSliceCosine(query, rows, 4, [])).toThrow(/slices must not be empty/);
    expect(() => meanSliceCosine(query, rows, 4, slicesOf([2, 3]))).toThrow(/slice \{offset: 2, width: 3\} does not fit in rows of width 4/);
  });
});

describe("topK", () => {
  it("returns the best scores first, ties in index order, at most k", () => {
    const scores = [0.1, 0.9, 0.5, 0.9, -1];
    expect(topK(scores, 3)).toEqual([{index: 1, score: 0.9}, {index: 3, score: 0.9}, {index: 2, score: 0.5}]);
    expect(topK(scores, 10).map((h) => h.index)).toEqual([1, 3, 2, 0, 4]);
    expect(topK([], 2)).toEqual([]);
  });

  it("finds a planted nearest neighbour among random rows", () => {
    const dim = 8;
    const count = 50;
    const rng = new Rng(8);
    const rows = Array.from({length: count * dim}, () => rng.normal());
    const query = rows.slice(17 * dim, 18 * dim).map((x) => 3 * x);
    const [best] = topK(meanSliceCosine(query, rows, count, slicesOf([dim])), 1);
    expect(best.index).toBe(17);
    expect(best.score).toBeCloseTo(1, 6);
  });

  it("rejects a bad k and NaN scores", () => {
    expect(() => topK([1], 0)).toThrow(/k must be an integer ≥ 1, got 0/);
    expect(() => topK([1, NaN], 1)).toThrow(/scores\[1\] is NaN/);
  });
});
