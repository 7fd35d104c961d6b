import {describe, expect, it} from "vitest";
import {summariseLatency} from "../../../src/lib/rq/latencySummary.js";
import {latencyTargets} from "../../../src/lib/rq/latencyTargets.js";
import {latencyPoint} from "./fixtures.js";

const point = (encoder: "vim" | "vit", imageSize: number, times: number[], batch = 1) => latencyPoint(encoder, imageSize, times, {batch});
const SIZES = [256, 384, 512];
/** Vim ∝ tokens^exponent with passes scattered by ±spread, the ViT quadratic and tight. */
const study = (exponent: number, spread: number) =>
  SIZES.flatMap((s) => {
    const t = (s / 8) ** 2 + 1;
    const vim = 0.05 * t ** exponent;
    return [point("vim", s, [1 - spread, 1, 1 + spread].map((f) => f * vim)), point("vit", s, [1, 1, 1].map(() => 1e-4 * t * t))];
  });

describe("latencyTargets", () => {
  it("judges the Vim exponent and the ratio at 4,097 tokens on their intervals", () => {
    const tight = latencyTargets(summariseLatency(study(1.0, 0.001), 1));
    expect(tight.vimExponent).toBeCloseTo(1, 2);
    expect(tight.vimExponentVerdict).toBe("met");
    expect(tight.ratioAt4096Tokens).toBeCloseTo((0.05 * 4097) / (1e-4 * 4097 ** 2), 6);
    expect(tight.ratioVerdict).toBe("met");
    // Just under the target on its point estimate, but the passes scatter: undecided, not met.
    const loose = latencyTargets(summariseLatency(study(1.09, 0.3), 1));
    expect(loose.vimExponent).toBeLessThan(1.1);
    expect(loose.vimExponentInterval!.low).toBeLessThan(1.1);
    expect(loose.vimExponentInterval!.high).toBeGreaterThan(1.1);
    expect(loose.vimExponentVerdict).toBe("undecided");
    expect(latencyTargets(summariseLatency(study(1.5, 0.001), 1)).vimExponentVerdict).toBe("not met");
  });

  it("has no ratio verdict below 4,097 tokens, and takes only batch 1", () => {
    const small = latencyTargets(summariseLatency(study(1, 0.01).filter((p) => p.imageSize < 512), 1));
    expect([small.ratioAt4096Tokens, small.ratioVerdict]).toEqual([null, null]);
    expect(() => latencyTargets(summariseLatency(study(1, 0.01), 32))).toThrow(/must be of batch 1, got batch 32/);
  });
});
