import {describe, expect, it} from "vitest";
import type {LatencyPoint} from "../../../src/lib/rq/latencyStudy.js";
import {summariseLatency} from "../../../src/lib/rq/latencySummary.js";
import {latencyPoint} from "./fixtures.js";

const SIZES = [64, 128, 256, 512];
const point = (encoder: "vim" | "vit", imageSize: number, ms: number | null, extra: Partial<LatencyPoint> = {}) =>
  latencyPoint(encoder, imageSize, ms === null ? null : [ms], {parameters: 1000, ...(ms === null ? {reason: "too big"} : {}), ...extra});
// Vim linear in tokens with a fixed cost; ViT quadratic: they cross between 256 and 384 pixels.
const study = SIZES.flatMap((s) => {
  const t = (s / 8) ** 2 + 1;
  return [point("vim", s, 20 + 0.1 * t), point("vit", s, 5 + 1e-4 * t * t)];
});

describe("summariseLatency", () => {
  it("fits exponents over the larger half, finds the crossover and the ratio at the largest size", () => {
    const s = summariseLatency(study, 1, {posterRatio: 0.5042});
    expect(s.series.vim).toHaveLength(4);
    expect(s.upperFits.vim!.xMin).toBe(1025);
    expect(s.upperFits.vim!.exponent).toBeGreaterThan(0.9);
    expect(s.upperFits.vim!.exponent).toBeLessThan(1);
    expect(s.upperFits.vit!.exponent).toBeGreaterThan(1.9);
    expect(s.allFits.vim!.n).toBe(4);
    expect(s.crossings).toHaveLength(1);
    expect(s.crossings[0].becomes).toBe("a-faster");
    // Log–log interpolation between 1,025 tokens (Vim slower) and 4,097 (Vim faster).
    const r = (t: number) => Math.log((20 + 0.1 * t) / (5 + 1e-4 * t * t));
    const at = r(1025) / (r(1025) - r(4097));
    expect(s.crossings[0].x).toBeCloseTo(Math.exp(Math.log(1025) + at * Math.log(4097 / 1025)), 6);
    const vim = 20 + 0.1 * 4097;
    const vit = 5 + 1e-4 * 4097 * 4097;
    expect(s.largest).toMatchObject({tokens: 4097, imageSize: 512, vimMs: vim, vitMs: vit});
    expect(s.largest!.ratio).toBeCloseTo(vim / vit, 12);
    const text = s.sentences.join(" ");
    expect(text).toMatch(/Vim becomes faster at about 1,134 tokens \(≈ 269² pixels\)/);
    expect(text).toMatch(new RegExp(`a ratio of ${(vim / vit).toFixed(3)}, against the poster's 0\\.504 .* at least as large a saving here`));
  });

  it("says when the ViT is faster everywhere, and counts skipped points", () => {
    const slowVim = SIZES.flatMap((s) => [point("vim", s, 100 * s), point("vit", s, s)]);
    const s = summariseLatency([...slowVim, point("vit", 1024, null)], 1, {posterRatio: 0.5});
    expect(s.crossings).toEqual([]);
    expect(s.sentences.join(" ")).toMatch(/The ViT is as fast as Vim or faster at every size measured \(65 to 4,097 tokens; Vim\/ViT from 100\.00 to 100\.00\): no crossover here\./);
    expect(s.sentences.join(" ")).toMatch(/a smaller saving here/);
    expect(s.sentences.at(-1)).toBe("1 point was skipped, each with its reason in the table.");
  });

  it("gives each exponent and ratio an interval over the passes, and states the students' own size", () => {
    // Five passes a point, ±5% around the law: the intervals must hold the fitted values.
    const spread = [0.95, 0.98, 1, 1.02, 1.05];
    const passes = (ms: number) => ({timesMs: spread.map((f) => f * ms), medianMs: ms});
    const withPasses = study.map((p) => ({...p, ...passes(p.medianMs!)}));
    const s = summariseLatency(withPasses, 1, {nativeTokens: 65});
    for (const name of ["vim", "vit"] as const) {
      const iv = s.exponentIntervals[name]!;
      expect(iv.low).toBeLessThanOrEqual(s.upperFits[name]!.exponent);
      expect(iv.high).toBeGreaterThanOrEqual(s.upperFits[name]!.exponent);
      expect(iv.high - iv.low).toBeGreaterThan(0);
    }
    expect(s.native).toMatchObject({tokens: 65, imageSize: 64, vimMs: 20 + 0.1 * 65, vitMs: 5 + 1e-4 * 65 * 65});
    expect(s.native!.interval!.low).toBeLessThan(s.native!.ratio);
    expect(s.native!.interval!.high).toBeGreaterThan(s.native!.ratio);
    expect(s.ratios.map((r) => r.tokens)).toEqual([65, 257, 1025, 4097]);
    const text = s.sentences.join(" ");
    expect(text).toMatch(/Vim as tokens\^0\.\d\d \(95% interval 0\.\d\d to \d\.\d\d over resampled passes; /);
    const native = (20 + 0.1 * 65) / (5 + 1e-4 * 65 * 65);
    expect(text).toContain(`At the students' own size (65 tokens, 64×64) Vim takes 26.5 ms and the ViT 5.4 ms: Vim/ViT ${native.toFixed(2)} (95% interval`);
    expect(text).toContain(`Vim ${native.toFixed(1)}× slower.`);
    // Single passes: no interval is claimed.
    expect(summariseLatency(study, 1).exponentIntervals.vim).toBeNull();
    expect(summariseLatency(study, 1).native).toBeNull();
  });

  it("counts a crossover within the noise as no lead for Vim", () => {
    // Vim 2% ahead at the largest size, but its passes scatter ±10%: the ViT is as fast there.
    const noisy = [0.9, 0.95, 1, 1.05, 1.1];
    const pts = [64, 128, 256].flatMap((s) => {
      const vim = s === 256 ? 98 : 200;
      return [point("vim", s, vim, {timesMs: noisy.map((f) => f * vim)}), point("vit", s, 100, {timesMs: noisy.map((f) => f * 100)})];
    });
    const s = summariseLatency(pts, 1);
    expect(s.crossings).toHaveLength(1);
    expect(s.vitAsFastThroughout).toBe(true);
    expect(s.sentences.join(" ")).toMatch(/Yet Vim's lead is within the noise at every size: the ViT is as fast or faster throughout \(65 to 1,025 tokens; Vim\/ViT from 0\.98 to 2\.00\)\./);
    // With tight passes the same lead is real, and nothing says otherwise.
    const tight = pts.map((p) => ({...p, timesMs: [0.999, 1, 1.001].map((f) => f * p.medianMs!)}));
    expect(summariseLatency(tight, 1).sentences.join(" ")).not.toMatch(/within the noise/);
    expect(summariseLatency(tight, 1).vitAsFastThroughout).toBe(false);
  });

  it("keeps batches apart, refuses mixed backends, and copes with nothing measured", () => {
    expect(summariseLatency(study, 32).largest).toBeNull();
    expect(summariseLatency(study, 32).sentences).toEqual([]);
    expect(() => summariseLatency([...study, point("vim", 64, 1, {backend: "cpu"})], 1)).toThrow(/mix backends \(wasm, cpu\)/);
  });
});
