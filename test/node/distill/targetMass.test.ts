import {describe, expect, it} from "vitest";
import {targetMass} from "../../../src/lib/distill/targetMass.js";

describe("targetMass", () => {
  it("splits each row into its own caption, related and other captions, per row and per caption", () => {
    // Row i: 0.6 on itself; rows 0 and 1 are related to each other, caption 2 is related to nothing.
    const probs = [0.6, 0.3, 0.1, 0.3, 0.6, 0.1, 0.2, 0.2, 0.6];
    const related = (i: number, j: number) => i < 2 && j < 2;
    const m = targetMass(probs, 3, related);
    expect(m.diagonal).toBeCloseTo(0.6, 12);
    expect(m.related).toBeCloseTo(0.6 / 3, 12);
    expect(m.perRelated).toBeCloseTo(0.3, 12);
    expect(m.other).toBeCloseTo((0.1 + 0.1 + 0.4) / 3, 12);
    expect(m.perOther).toBeCloseTo(0.6 / 4, 12);
    expect(m.relatedPairs).toBeCloseTo(2 / 6, 12);
  });

  it("gives 0 per caption to a kind no pair has, and never asks about the diagonal", () => {
    const asked: [number, number][] = [];
    const m = targetMass([1, 0, 0, 1], 2, (i, j) => (asked.push([i, j]), false));
    expect(asked).toEqual([[0, 1], [1, 0]]);
    expect(m).toMatchObject({diagonal: 1, related: 0, perRelated: 0, relatedPairs: 0});
  });

  it("names what is wrong before it reads a row", () => {
    expect(() => targetMass([1], 1, () => false)).toThrow(/size must be an integer ≥ 2, got 1/);
    expect(() => targetMass([1, 0, 0], 2, () => false)).toThrow(/probs must hold size² = 4 values, got 3/);
    expect(() => targetMass([0.5, 0.2, 0, 1], 2, () => false)).toThrow(/probs row 0 must sum to 1, got 0.7/);
  });
});
