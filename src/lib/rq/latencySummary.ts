import {bootstrapExponent, bootstrapRatio, type Interval} from "./latencyBootstrap.js";
import type {EncoderName, LatencyPoint} from "./latencyStudy.js";
import {crossings, fitPowerLaw, type Crossing, type PowerLawFit, type XY} from "./scalingFit.js";

/**
 * What a summary needs of a timed point: the live study's LatencyPoint, or a measurement loaded
 * from a file, which may give tokens without the image's side (imageSize null).
 */
export type TimedPoint = Pick<LatencyPoint, "encoder" | "backend" | "batch" | "tokens" | "status" | "medianMs" | "timesMs"> & {readonly imageSize: number | null};

/** Vim's time over the ViT's at one size, with a 95% interval from resampling both encoders' passes (null with a single pass). */
export interface RatioAt {
  readonly tokens: number;
  readonly imageSize: number | null;
  readonly vimMs: number;
  readonly vitMs: number;
  readonly ratio: number;
  readonly interval: Interval | null;
}

/** What one batch size of a latency study says, in numbers and in words. */
export interface LatencySummary {
  readonly backend: string;
  readonly batch: number;
  /** Median ms against tokens, per encoder, measured points only. */
  readonly series: Readonly<Record<EncoderName, readonly XY[]>>;
  /** Power law over the upper half of each encoder's measured sizes (where fixed costs matter least). */
  readonly upperFits: Readonly<Record<EncoderName, PowerLawFit | null>>;
  /** The upper fit's exponent, 95% interval over resampled passes; null without two passes at each size. */
  readonly exponentIntervals: Readonly<Record<EncoderName, Interval | null>>;
  /** Power law over every measured size. */
  readonly allFits: Readonly<Record<EncoderName, PowerLawFit | null>>;
  /** Where Vim's latency crosses the ViT's (a = Vim, b = ViT). */
  readonly crossings: readonly Crossing[];
  /** The largest size both encoders were measured at, and Vim/ViT there. */
  readonly largest: RatioAt | null;
  /** Vim/ViT at the size the students are trained at (the nativeTokens option), when both were measured there. */
  readonly native: RatioAt | null;
  /** Vim/ViT at every size both were measured at, smallest first. */
  readonly ratios: readonly RatioAt[];
  /** At two or more common sizes, and Vim ahead at none beyond its interval (its point estimate where there is none). */
  readonly vitAsFastThroughout: boolean;
  readonly skipped: readonly TimedPoint[];
  readonly sentences: readonly string[];
}

const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

const upperHalf = <T extends XY>(points: readonly T[]) => [...points].sort((a, b) => a.x - b.x).slice(-Math.max(2, Math.ceil(points.length / 2)));

function fitOrNull(points: readonly XY[], upper: boolean): PowerLawFit | null {
  if (points.length < 2) return null;
  return fitPowerLaw(upper ? upperHalf(points) : points);
}

const ratioWords = (r: RatioAt) => `${r.ratio.toFixed(r.ratio >= 1 ? 2 : 3)}${r.interval ? ` (95% interval ${r.interval.low.toFixed(2)} to ${r.interval.high.toFixed(2)})` : ""}`;

/**
 * Summarises the points of one `batch` size (all from one backend): scaling exponents, the
 * crossover and the Vim/ViT ratio at the largest common size, set beside `posterRatio` (the
 * poster's DM-CLIP/MobileCLIP image-encoder latency, 0.504) when given, and at `nativeTokens`
 * (the students' training size), where the headline's advantage does not hold. Intervals
 * resample each point's passes, seeded, so every reader of the same points gets the same ones.
 */
export function summariseLatency(points: readonly TimedPoint[], batch: number, {posterRatio, nativeTokens}: {posterRatio?: number; nativeTokens?: number} = {}): LatencySummary {
  const mine = points.filter((p) => p.batch === batch);
  const backends = [...new Set(mine.map((p) => p.backend))];
  if (backends.length > 1) throw new Error(`summariseLatency: points mix backends (${backends.join(", ")}); summarise each apart`);
  const measured = (name: EncoderName) =>
    mine.filter((p) => p.encoder === name && p.status === "measured" && p.medianMs !== null).map((p) => ({x: p.tokens, y: p.medianMs!, times: p.timesMs}));
  const timed = {vim: measured("vim"), vit: measured("vit")};
  const series = {vim: timed.vim.map(({x, y}) => ({x, y})), vit: timed.vit.map(({x, y}) => ({x, y}))};
  const upperFits = {vim: fitOrNull(series.vim, true), vit: fitOrNull(series.vit, true)};
  const exponentIntervals = {vim: timed.vim.length < 2 ? null : bootstrapExponent(upperHalf(timed.vim)), vit: timed.vit.length < 2 ? null : bootstrapExponent(upperHalf(timed.vit))};
  const allFits = {vim: fitOrNull(series.vim, false), vit: fitOrNull(series.vit, false)};
  const found = crossings(series.vim, series.vit);
  const vitAt = new Map(timed.vit.map((p) => [p.x, p]));
  const sizeOf = (tokens: number) => mine.find((p) => p.tokens === tokens)!.imageSize;
  const ratios: RatioAt[] = timed.vim
    .filter((p) => vitAt.has(p.x))
    .sort((a, b) => a.x - b.x)
    .map((p) => {
      const vit = vitAt.get(p.x)!;
      return {tokens: p.x, imageSize: sizeOf(p.x), vimMs: p.y, vitMs: vit.y, ratio: p.y / vit.y, interval: bootstrapRatio(p.times, vit.times)};
    });
  const largest = ratios.at(-1) ?? null;
  const native = ratios.find((r) => r.tokens === nativeTokens) ?? null;
  const skipped = mine.filter((p) => p.status === "skipped");
  const backend = backends[0] ?? "none";

  const sentences: string[] = [];
  const fitWords = (name: string, f: PowerLawFit | null, passes: Interval | null) =>
    f
      ? `${name} as tokens^${f.exponent.toFixed(2)} (${passes ? `95% interval ${passes.low.toFixed(2)} to ${passes.high.toFixed(2)} over resampled passes` : "one pass a size, so no interval over passes"}; ${f.exponentLow === null ? "two sizes, so none over the fit" : `${f.exponentLow.toFixed(2)} to ${f.exponentHigh!.toFixed(2)} over the fit's scatter`}; ${thousands(f.xMin)}–${thousands(f.xMax)} tokens, R² ${f.r2.toFixed(3)})`
      : `${name}: too few sizes to fit`;
  if (upperFits.vim || upperFits.vit) {
    sentences.push(`Batch ${batch} on ${backend}: over the larger half of the sizes, latency grows for ${fitWords("Vim", upperFits.vim, exponentIntervals.vim)} and for ${fitWords("the ViT", upperFits.vit, exponentIntervals.vit)}. Linear scaling is 1, attention's asymptote 2.`);
  }
  if (native) {
    const side = native.imageSize === null ? "" : `, ${native.imageSize}×${native.imageSize}`;
    sentences.push(`At the students' own size (${thousands(native.tokens)} tokens${side}) Vim takes ${native.vimMs.toFixed(1)} ms and the ViT ${native.vitMs.toFixed(1)} ms: Vim/ViT ${ratioWords(native)}${native.ratio > 1 ? `, Vim ${native.ratio.toFixed(1)}× slower` : ""}.`);
  }
  // Vim counts as faster at a size only where its interval lies wholly below 1.
  const vitAsFastThroughout = ratios.length >= 2 && ratios.every((r) => (r.interval ? r.interval.high : r.ratio) >= 1);
  if (ratios.length >= 2) {
    const span = `${thousands(ratios[0].tokens)} to ${thousands(ratios.at(-1)!.tokens)} tokens; Vim/ViT from ${Math.min(...ratios.map((r) => r.ratio)).toFixed(2)} to ${Math.max(...ratios.map((r) => r.ratio)).toFixed(2)}`;
    if (found.length === 0) {
      sentences.push(
        ratios[0].ratio < 1
          ? `Vim is faster at every size measured (${span}): any crossover lies below.`
          : `The ViT is as fast as Vim or faster at every size measured (${span}): no crossover here.`
      );
    } else {
      const sized = mine.find((p) => p.imageSize !== null);
      const patch = sized ? sized.imageSize! / Math.sqrt(sized.tokens - 1) : null;
      const pixels = (x: number) => (patch === null ? "" : ` (≈ ${Math.round(patch * Math.sqrt(x - 1))}² pixels)`);
      const words = found.map((c) => `${c.becomes === "a-faster" ? "Vim becomes faster" : "the ViT becomes faster again"} at about ${thousands(c.x)} tokens${pixels(c.x)}`);
      sentences.push(`${words.join("; ")}.`.replace(/^./, (c) => c.toUpperCase()));
      if (vitAsFastThroughout) sentences.push(`Yet Vim's lead is within the noise at every size: the ViT is as fast or faster throughout (${span}).`);
    }
  }
  if (largest) {
    const side = largest.imageSize === null ? "" : ` (${largest.imageSize}×${largest.imageSize})`;
    const words = `At ${thousands(largest.tokens)} tokens${side} Vim takes ${largest.vimMs.toFixed(1)} ms and the ViT ${largest.vitMs.toFixed(1)} ms: a ratio of ${largest.ratio.toFixed(3)}${largest.interval ? ` (95% interval ${largest.interval.low.toFixed(3)} to ${largest.interval.high.toFixed(3)})` : ""}`;
    sentences.push(
      posterRatio === undefined
        ? `${words}.`
        : `${words}, against the poster's ${posterRatio.toFixed(3)} (DM-CLIP against MobileCLIP's image encoder) — ${largest.ratio <= posterRatio ? "at least as large a saving" : "a smaller saving"} here.`
    );
  }
  if (skipped.length > 0) sentences.push(`${skipped.length} point${skipped.length === 1 ? " was" : "s were"} skipped, each with its reason in the table.`);
  return {backend, batch, series, upperFits, exponentIntervals, allFits, crossings: found, largest, native, ratios, vitAsFastThroughout, skipped, sentences};
}
