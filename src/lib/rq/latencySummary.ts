import type {EncoderName, LatencyPoint} from "./latencyStudy.js";
import {crossings, fitPowerLaw, type Crossing, type PowerLawFit, type XY} from "./scalingFit.js";

/**
 * What a summary needs of a timed point: the live study's LatencyPoint, or a measurement loaded
 * from a file, which may give tokens without the image's side (imageSize null).
 */
export type TimedPoint = Pick<LatencyPoint, "encoder" | "backend" | "batch" | "tokens" | "status" | "medianMs"> & {readonly imageSize: number | null};

/** What one batch size of a latency study says, in numbers and in words. */
export interface LatencySummary {
  readonly backend: string;
  readonly batch: number;
  /** Median ms against tokens, per encoder, measured points only. */
  readonly series: Readonly<Record<EncoderName, readonly XY[]>>;
  /** Power law over the upper half of each encoder's measured sizes (where fixed costs matter least). */
  readonly upperFits: Readonly<Record<EncoderName, PowerLawFit | null>>;
  /** Power law over every measured size. */
  readonly allFits: Readonly<Record<EncoderName, PowerLawFit | null>>;
  /** Where Vim's latency crosses the ViT's (a = Vim, b = ViT). */
  readonly crossings: readonly Crossing[];
  /** The largest size both encoders were measured at, and Vim/ViT there. */
  readonly largest: {tokens: number; imageSize: number | null; vimMs: number; vitMs: number; ratio: number} | null;
  /** Vim/ViT at every size both were measured at, smallest first. */
  readonly ratios: readonly {tokens: number; ratio: number}[];
  readonly skipped: readonly TimedPoint[];
  readonly sentences: readonly string[];
}

const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

function fitOrNull(points: readonly XY[], upperHalf: boolean): PowerLawFit | null {
  if (points.length < 2) return null;
  const sorted = [...points].sort((a, b) => a.x - b.x);
  return fitPowerLaw(upperHalf ? sorted.slice(-Math.max(2, Math.ceil(sorted.length / 2))) : sorted);
}

/**
 * Summarises the points of one `batch` size (all from one backend): scaling exponents, the
 * crossover and the Vim/ViT ratio at the largest common size, set beside `posterRatio` (the
 * poster's DM-CLIP/MobileCLIP image-encoder latency, 0.504) when given.
 */
export function summariseLatency(points: readonly TimedPoint[], batch: number, {posterRatio}: {posterRatio?: number} = {}): LatencySummary {
  const mine = points.filter((p) => p.batch === batch);
  const backends = [...new Set(mine.map((p) => p.backend))];
  if (backends.length > 1) throw new Error(`summariseLatency: points mix backends (${backends.join(", ")}); summarise each apart`);
  const measured = (name: EncoderName) =>
    mine.filter((p) => p.encoder === name && p.status === "measured" && p.medianMs !== null).map((p) => ({x: p.tokens, y: p.medianMs!}));
  const series = {vim: measured("vim"), vit: measured("vit")};
  const upperFits = {vim: fitOrNull(series.vim, true), vit: fitOrNull(series.vit, true)};
  const allFits = {vim: fitOrNull(series.vim, false), vit: fitOrNull(series.vit, false)};
  const found = crossings(series.vim, series.vit);
  const vitAt = new Map(series.vit.map((p) => [p.x, p.y]));
  const common = series.vim.filter((p) => vitAt.has(p.x)).sort((a, b) => a.x - b.x);
  const top = common.at(-1);
  const ratios = common.map((p) => ({tokens: p.x, ratio: p.y / vitAt.get(p.x)!}));
  const sizeOf = (tokens: number) => mine.find((p) => p.tokens === tokens)!.imageSize;
  const largest = top ? {tokens: top.x, imageSize: sizeOf(top.x), vimMs: top.y, vitMs: vitAt.get(top.x)!, ratio: top.y / vitAt.get(top.x)!} : null;
  const skipped = mine.filter((p) => p.status === "skipped");
  const backend = backends[0] ?? "none";

  const sentences: string[] = [];
  const fitWords = (name: string, f: PowerLawFit | null) =>
    f
      ? `${name} as tokens^${f.exponent.toFixed(2)} (${f.exponentLow === null ? "two sizes, so no interval" : `95% interval ${f.exponentLow.toFixed(2)} to ${f.exponentHigh!.toFixed(2)}`}; ${thousands(f.xMin)}–${thousands(f.xMax)} tokens, R² ${f.r2.toFixed(3)})`
      : `${name}: too few sizes to fit`;
  if (upperFits.vim || upperFits.vit) {
    sentences.push(`Batch ${batch} on ${backend}: over the larger half of the sizes, latency grows for ${fitWords("Vim", upperFits.vim)} and for ${fitWords("the ViT", upperFits.vit)}. Linear scaling is 1, attention's asymptote 2.`);
  }
  if (common.length >= 2) {
    const first = common[0];
    const vimFirst = first.y < vitAt.get(first.x)!;
    if (found.length === 0) {
      sentences.push(
        vimFirst
          ? `Vim is faster at every size measured (${thousands(first.x)} to ${thousands(top!.x)} tokens): any crossover lies below.`
          : `The ViT is faster at every size measured (${thousands(first.x)} to ${thousands(top!.x)} tokens): no crossover here.`
      );
    } else {
      const sized = mine.find((p) => p.imageSize !== null);
      const patch = sized ? sized.imageSize! / Math.sqrt(sized.tokens - 1) : null;
      const pixels = (x: number) => (patch === null ? "" : ` (≈ ${Math.round(patch * Math.sqrt(x - 1))}² pixels)`);
      const words = found.map((c) => `${c.becomes === "a-faster" ? "Vim becomes faster" : "the ViT becomes faster again"} at about ${thousands(c.x)} tokens${pixels(c.x)}`);
      sentences.push(`${words.join("; ")}.`.replace(/^./, (c) => c.toUpperCase()));
    }
  }
  if (largest) {
    const side = largest.imageSize === null ? "" : ` (${largest.imageSize}×${largest.imageSize})`;
    const ratioWords = `At ${thousands(largest.tokens)} tokens${side} Vim takes ${largest.vimMs.toFixed(1)} ms and the ViT ${largest.vitMs.toFixed(1)} ms: a ratio of ${largest.ratio.toFixed(3)}`;
    sentences.push(
      posterRatio === undefined
        ? `${ratioWords}.`
        : `${ratioWords}, against the poster's ${posterRatio.toFixed(3)} (DM-CLIP against MobileCLIP's image encoder) — ${largest.ratio <= posterRatio ? "at least as large a saving" : "a smaller saving"} here.`
    );
  }
  if (skipped.length > 0) sentences.push(`${skipped.length} point${skipped.length === 1 ? " was" : "s were"} skipped, each with its reason in the table.`);
  return {backend, batch, series, upperFits, allFits, crossings: found, largest, ratios, skipped, sentences};
}
