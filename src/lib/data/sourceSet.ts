import {deflate, inflate} from "./compression.js";
import {concatBytes} from "./bytes.js";
import {crc32} from "./crc32.js";

/** Side of every source glyph (MNIST and Fashion-MNIST are 28×28 greyscale). */
export const GLYPH_SIZE = 28;
const GLYPH_PIXELS = GLYPH_SIZE * GLYPH_SIZE;
const MAGIC = "DMSS";
const VERSION = 1;

export type SplitName = "train" | "test";
export const SPLITS: readonly SplitName[] = ["train", "test"];

/** One side of a source set: glyphs, their class labels and where each came from. */
export interface SourceSplit {
  readonly count: number;
  /** [count] class label in 0..classes-1. */
  readonly labels: Uint8Array;
  /** [count] index of the glyph in its original dataset (see `origin`), for provenance and disjointness. */
  readonly originIndex: Uint32Array;
  /** What `originIndex` indexes, e.g. "fashion-mnist t10k-images-idx3-ubyte". */
  readonly origin: string;
  /** [count, 28, 28] greyscale, 0 = background. */
  readonly pixels: Uint8Array;
  /** Indices into this split per class label. */
  readonly byClass: readonly (readonly number[])[];
}

/** A set of labelled 28×28 glyphs with train and test kept apart (digits or clothing). */
export interface SourceSet {
  readonly name: string;
  readonly classes: readonly string[];
  readonly splits: Readonly<Record<SplitName, SourceSplit>>;
}

interface Header {
  name: string;
  classes: string[];
  glyphSize: number;
  splits: {name: SplitName; count: number; origin: string}[];
  payloadBytes: number;
  payloadCrc32: number;
}

export function makeSplit(labels: Uint8Array, originIndex: Uint32Array, origin: string, pixels: Uint8Array, classes: number): SourceSplit {
  const count = labels.length;
  if (originIndex.length !== count) throw new Error(`makeSplit: originIndex has ${originIndex.length} entries, expected ${count}`);
  if (pixels.length !== count * GLYPH_PIXELS) throw new Error(`makeSplit: pixels has ${pixels.length} bytes, expected ${count}×${GLYPH_PIXELS}`);
  const byClass: number[][] = Array.from({length: classes}, () => []);
  labels.forEach((label, i) => {
    if (label >= classes) throw new Error(`makeSplit: labels[${i}] = ${label}, expected < ${classes}`);
    byClass[label].push(i);
  });
  return {count, labels, originIndex, origin, pixels, byClass};
}

/**
 * The committed file format: "DMSS", u32 version, u32 header length, a JSON header, then one
 * deflated payload holding, per split, originIndex (u32 LE), labels (u8) and pixels (u8).
 */
export async function encodeSourceSet(set: SourceSet): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const name of SPLITS) {
    const split = set.splits[name];
    const origin = new Uint8Array(split.count * 4);
    const view = new DataView(origin.buffer);
    split.originIndex.forEach((v, i) => view.setUint32(4 * i, v, true));
    parts.push(origin, split.labels, split.pixels);
  }
  const payload = concatBytes(parts);
  const header: Header = {
    name: set.name,
    classes: [...set.classes],
    glyphSize: GLYPH_SIZE,
    splits: SPLITS.map((name) => ({name, count: set.splits[name].count, origin: set.splits[name].origin})),
    payloadBytes: payload.length,
    payloadCrc32: crc32(payload)
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(new TextEncoder().encode(MAGIC));
  new DataView(prefix.buffer).setUint32(4, VERSION, true);
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  return concatBytes([prefix, json, await deflate(payload)]);
}

/** Reads a file written by encodeSourceSet; `label` names it in errors (e.g. its path or URL). */
export async function decodeSourceSet(data: Uint8Array | ArrayBuffer, label: string): Promise<SourceSet> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const fail = (field: string, what: string): never => {
    throw new Error(`source set ${label}: ${field}: ${what}`);
  };
  if (bytes.length < 12) fail("prefix", `file has ${bytes.length} bytes, expected at least 12`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail("magic", `expected "${MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail("version", `${version}, expected ${VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail("header", `needs ${headerLength} bytes, file is truncated`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    return fail("header", "not valid JSON");
  }
  if (header.glyphSize !== GLYPH_SIZE) fail("header.glyphSize", `${header.glyphSize}, expected ${GLYPH_SIZE}`);
  let payload: Uint8Array;
  try {
    payload = await inflate(bytes.subarray(12 + headerLength));
  } catch (e) {
    return fail("payload", `cannot be inflated (${(e as Error).message}); truncated or corrupt`);
  }
  if (payload.length !== header.payloadBytes) fail("payload", `${payload.length} bytes, header says ${header.payloadBytes}`);
  if (crc32(payload) !== header.payloadCrc32) fail("payload", "checksum mismatch");
  const splits = {} as Record<SplitName, SourceSplit>;
  let offset = 0;
  for (const name of SPLITS) {
    const entry = header.splits.find((s) => s.name === name) ?? fail(`header.splits`, `no "${name}" split`);
    const take = (n: number) => payload.slice(offset, (offset += n));
    const originBytes = take(entry.count * 4);
    const originIndex = new Uint32Array(entry.count);
    const originView = new DataView(originBytes.buffer);
    for (let i = 0; i < entry.count; i++) originIndex[i] = originView.getUint32(4 * i, true);
    const labels = take(entry.count);
    const pixels = take(entry.count * GLYPH_PIXELS);
    try {
      splits[name] = makeSplit(labels, originIndex, entry.origin, pixels, header.classes.length);
    } catch (e) {
      fail(`splits.${name}`, (e as Error).message);
    }
  }
  return {name: header.name, classes: header.classes, splits};
}
