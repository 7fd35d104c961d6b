import {describe, expect, it} from "vitest";
import {holmAdjust} from "../../../src/lib/rq/holm.js";

describe("holmAdjust", () => {
  it("steps down: the k-th smallest p times (m − k + 1), made monotone, capped at 1", () => {
    // Sorted 0.01, 0.02, 0.03, 0.2 → 0.04, 0.06, 0.06 (monotone), 0.2.
    expect(holmAdjust([0.03, 0.2, 0.01, 0.02]).map((p) => +p!.toFixed(10))).toEqual([0.06, 0.2, 0.04, 0.06]);
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
  });

  it("leaves untestable scores out of the family", () => {
    expect(holmAdjust([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
  });

  it("refuses what is not a p-value, naming it", () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrow("holmAdjust: pValues[1] must be in [0, 1] or null, got 1.5");
  });
});
