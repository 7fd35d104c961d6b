import {describe, expect, it} from "vitest";
import {sliceRows, slicesOf} from "../../../src/lib/embed/slices.js";

describe("slices", () => {
  it("lays out consecutive slices", () => {
    expect(slicesOf([3, 2, 4])).toEqual([{offset: 0, width: 3}, {offset: 3, width: 2}, {offset: 5, width: 4}]);
    expect(() => slicesOf([2, 0])).toThrow(/every width must be an integer ≥ 1, got 0/);
  });

  it("takes one slice of every row of each block, blocks stacked", () => {
    // Rows of width 4 whose values name their position: 10·row + column.
    const images = [0, 1, 2, 3, 10, 11, 12, 13];
    const texts = [100, 101, 102, 103];
    expect(Array.from(sliceRows([images, texts], 4, {offset: 1, width: 2}))).toEqual([1, 2, 11, 12, 101, 102]);
    expect(Array.from(sliceRows([texts], 4, {offset: 0, width: 4}))).toEqual(texts);
  });

  it("rejects slices and blocks that do not fit", () => {
    expect(() => sliceRows([[1, 2, 3, 4]], 4, {offset: 3, width: 2})).toThrow(/slice \{offset: 3, width: 2\} does not fit in rows of width 4/);
    expect(() => sliceRows([[1, 2, 3, 4], [1, 2, 3]], 4, {offset: 0, width: 2})).toThrow(/blocks\[1\] has 3 values, not a whole number of rows of width 4/);
  });
});
