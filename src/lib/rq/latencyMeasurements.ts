import {csvParse} from "d3-dsv";
import {median, type EncoderName} from "./latencyStudy.js";
import {summariseLatency, type LatencySummary, type TimedPoint} from "./latencySummary.js";

/**
 * Latency measured anywhere (a PyTorch GPU benchmark, another browser), loaded on the RQ2 page
 * and summarised by the same code as the live study. A CSV with a header row, or JSON (an array
 * of objects with the same fields); one row per timed pass or per median.
 */
export interface LatencyColumn {
  readonly name: string;
  readonly required: boolean;
  readonly meaning: string;
}

export const LATENCY_COLUMNS: readonly LatencyColumn[] = [
  {name: "encoder", required: true, meaning: "vim (the Mamba image encoder) or vit (the Transformer it is compared with)"},
  {name: "tokens", required: false, meaning: "tokens per image, class token included; give this, or image_size and patch"},
  {name: "image_size", required: false, meaning: "the image's side in pixels (with patch: tokens = (image_size / patch)² + 1)"},
  {name: "patch", required: false, meaning: "the patch side in pixels"},
  {name: "batch", required: true, meaning: "images per forward pass, an integer ≥ 1"},
  {name: "ms", required: true, meaning: "milliseconds of one forward pass (several rows of one setting: their median is used)"},
  {name: "device", required: false, meaning: "where it was measured (e.g. A100 PyTorch fp16); each device is summarised apart"}
];

/** A template to fill in: the columns, and example rows that show their form (not measurements). */
export const LATENCY_TEMPLATE_CSV = `encoder,image_size,patch,tokens,batch,ms,device
vim,224,16,,1,12.5,example GPU
vit,224,16,,1,10.0,example GPU
vim,,,1025,32,80.0,example GPU
vit,,,1025,32,120.0,example GPU
`;

const ENCODERS: readonly EncoderName[] = ["vim", "vit"];

/** A loaded measurement: one setting's median over its rows. */
export interface LoadedLatencyPoint extends TimedPoint {
  readonly medianMs: number;
  readonly timesMs: readonly number[];
}

/**
 * Parses `text` from `file` (CSV, or JSON when it starts with "["). Throws before any work,
 * naming file, row and column, for a missing column, an unknown encoder, a count that is not
 * a positive integer, an image side that is not a multiple of the patch, or a time that is not
 * a positive number. Rows of one device, encoder, batch and size become one point.
 */
export function parseLatencyMeasurements(text: string, file: string): LoadedLatencyPoint[] {
  const json = text.trimStart().startsWith("[");
  let rows: Record<string, unknown>[];
  if (json) {
    try {
      rows = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(rows) || rows.some((r) => typeof r !== "object" || r === null || Array.isArray(r))) throw new Error(`${file}: expected a JSON array of objects`);
  } else {
    const parsed = csvParse(text.replace(/^\uFEFF/, ""));
    const missing = LATENCY_COLUMNS.filter((c) => c.required && !parsed.columns.includes(c.name)).map((c) => c.name);
    if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(", ")}; the header must name ${LATENCY_COLUMNS.map((c) => c.name).join(", ")}`);
    rows = parsed;
  }
  if (rows.length === 0) throw new Error(`${file}: no measurements`);
  const measured = rows.map((row, i) => {
    const where = json ? `${file}, item ${i}` : `${file}, row ${i + 2}`;
    const present = (name: string) => row[name] !== undefined && row[name] !== null && row[name] !== "";
    const number = (name: string, check: (v: number) => boolean, expected: string): number => {
      const v = Number(row[name]);
      if (!present(name) || !check(v)) throw new Error(`${where}, column ${name}: expected ${expected}, got ${JSON.stringify(row[name] ?? "")}`);
      return v;
    };
    const count = (name: string) => number(name, (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
    const encoder = String(row.encoder ?? "").trim().toLowerCase() as EncoderName;
    if (!ENCODERS.includes(encoder)) throw new Error(`${where}, column encoder: expected vim or vit, got ${JSON.stringify(row.encoder ?? "")}`);
    let tokens: number;
    let imageSize: number | null = null;
    if (present("image_size") || present("patch")) {
      imageSize = count("image_size");
      const patch = count("patch");
      if (imageSize % patch !== 0) throw new Error(`${where}, column image_size: ${imageSize} is not a multiple of the patch ${patch}`);
      tokens = (imageSize / patch) ** 2 + 1;
      if (present("tokens") && count("tokens") !== tokens) throw new Error(`${where}, column tokens: ${row.tokens} disagrees with image_size ${imageSize} and patch ${patch} (${tokens} tokens with the class token)`);
    } else {
      if (!present("tokens")) throw new Error(`${where}: give tokens, or image_size and patch`);
      tokens = number("tokens", (v) => Number.isInteger(v) && v >= 2, "an integer ≥ 2 (patches and the class token)");
    }
    return {
      encoder,
      backend: present("device") ? String(row.device).trim() : file,
      batch: count("batch"),
      tokens,
      imageSize,
      ms: number("ms", (v) => Number.isFinite(v) && v > 0, "a positive number of milliseconds")
    };
  });
  const settings = new Map<string, {first: (typeof measured)[number]; times: number[]; sizes: Set<number | null>}>();
  for (const m of measured) {
    const key = JSON.stringify([m.backend, m.encoder, m.batch, m.tokens]);
    if (!settings.has(key)) settings.set(key, {first: m, times: [], sizes: new Set()});
    settings.get(key)!.times.push(m.ms);
    settings.get(key)!.sizes.add(m.imageSize);
  }
  return [...settings.values()].map(({first, times, sizes}) => ({
    encoder: first.encoder,
    backend: first.backend,
    batch: first.batch,
    tokens: first.tokens,
    // Rows that agree on tokens but give the side only sometimes keep the side that was given.
    imageSize: [...sizes].find((s) => s !== null) ?? null,
    status: "measured" as const,
    medianMs: median(times),
    timesMs: times
  }));
}

/** The live study's summary for each device and batch of the measurements, in order of first appearance. */
export function summariseMeasurements(points: readonly LoadedLatencyPoint[], {posterRatio}: {posterRatio?: number} = {}): LatencySummary[] {
  const groups = [...new Map(points.map((p) => [JSON.stringify([p.backend, p.batch]), {backend: p.backend, batch: p.batch}])).values()];
  return groups.map(({backend, batch}) => summariseLatency(points.filter((p) => p.backend === backend), batch, {posterRatio}));
}
