import {describe, expect, it} from "vitest";
import {percentile} from "../../../src/lib/rq/percentile.js";

describe("percentile", () => {
  it("interpolates between neighbours and keeps to the ends", () => {
    const xs = [10, 20, 30, 40, 50];
    expect(percentile(xs, 0)).toBe(10);
    expect(percentile(xs, 1)).toBe(50);
    expect(percentile(xs, 0.5)).toBe(30);
    // 0.025 · 4 = 0.1 of the way from 10 to 20.
    expect(percentile(xs, 0.025)).toBeCloseTo(11, 12);
    expect(percentile([7], 0.975)).toBe(7);
  });

  it("names what is wrong", () => {
    expect(() => percentile([], 0.5)).toThrow(/sorted must not be empty/);
    expect(() => percentile([1], 1.5)).toThrow(/q must be in \[0, 1\], got 1\.5/);
  });
});
