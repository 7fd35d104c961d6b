import {augmentationProblem, type Augmentation, type AugmentationPolicy} from "./augmentation.js";
import {concatBytes} from "./bytes.js";
import {CLASSES} from "./classes.js";
import {crc32} from "./crc32.js";
import {decodeHalf, encodeHalf} from "./float16.js";
import type {RgbImage} from "./image.js";
import {renderScene} from "./render.js";
import {Rng} from "../random/rng.js";
import {identityVariants, sampleScene, SCENE_GENERATOR_VERSION, sceneSeed, type Scene} from "./scene.js";
import type {Sources} from "./sources.js";

/**
 * The reinforced set on disk, DataCompDR's per-sample layout without pixels (a scene is redrawn
 * from its seed): a manifest.json naming the shards, and binary shards holding, per sample, the
 * scene seed, the ground-truth caption and 5 synthetic ones, N augmentations as parameters, the
 * teachers' image embedding of each augmentation [N, D] and their text embeddings [6, D], where
 * D is the sum of the teachers' widths (each teacher's slice L2-normalised by the teacher).
 */
export const REINFORCED_FORMAT = "dm-clip-reinforced";
export const REINFORCED_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
/** Ground-truth caption first, then the synthetic ones. */
export const TEXTS_PER_SAMPLE = 6;

export type EmbeddingDtype = "float16" | "float32";

export interface TeacherInfo {
  readonly name: string;
  /** Width of this teacher's slice of every embedding row. */
  readonly dim: number;
  /** The teacher's own learned logit scale, if it has one (distillation may use it). */
  readonly logitScale?: number;
}

export interface ShardEntry {
  readonly file: string;
  readonly samples: number;
  readonly bytes: number;
}

export interface ReinforcedManifest {
  readonly format: typeof REINFORCED_FORMAT;
  readonly version: number;
  readonly samples: number;
  /** N, stored augmentations per sample. */
  readonly augmentations: number;
  readonly texts: number;
  readonly teachers: readonly TeacherInfo[];
  readonly embedDim: number;
  readonly dtype: EmbeddingDtype;
  /** Samples per identity group, stored next to each other (1: every sample its own scene). */
  readonly groupSize: number;
  /** How scenes are redrawn: split of the sources, render size and the generator's version. */
  readonly scene: {readonly split: "train"; readonly size: number; readonly seed: number; readonly generator: number};
  readonly augmentationPolicy: AugmentationPolicy;
  readonly shards: readonly ShardEntry[];
}

/** One decoded shard; arrays are sample-major. */
export interface ReinforcedShard {
  readonly file: string;
  readonly samples: number;
  /** Each sample's scene seed: its group's, shared by the group's members. */
  readonly seeds: Uint32Array;
  /** Each sample's variant index in its group, 0..groupSize−1. */
  readonly variants: Uint8Array;
  /** [samples][6]: ground truth then synthetic captions. */
  readonly captions: readonly (readonly string[])[];
  /** [samples][N]. */
  readonly augmentations: readonly (readonly Augmentation[])[];
  /** [samples, N, D]. */
  readonly imageEmb: Float32Array;
  /** [samples, 6, D]. */
  readonly textEmb: Float32Array;
}

const MAGIC = "DMRS";
type Dtype = "uint8" | "uint32" | "float32" | "float16";
const DTYPE_BYTES: Record<Dtype, number> = {uint8: 1, uint32: 4, float32: 4, float16: 2};

interface FieldEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  offset: number;
  bytes: number;
  crc32: number;
}

interface ShardHeader {
  file: string;
  samples: number;
  fields: FieldEntry[];
}

/** The fields of a shard, in file order, with the shape a manifest implies. */
/** What a shard's field shapes depend on. */
type ShardLayout = Pick<ReinforcedManifest, "augmentations" | "texts" | "embedDim" | "dtype">;

function fieldSpecs(samples: number, m: ShardLayout, textBytes: number) {
  const n = m.augmentations;
  return [
    {name: "seed", dtype: "uint32", shape: [samples]},
    {name: "variant", dtype: "uint8", shape: [samples]},
    {name: "text_offsets", dtype: "uint32", shape: [samples * m.texts + 1]},
    {name: "text", dtype: "uint8", shape: [textBytes]},
    {name: "aug_crop", dtype: "float32", shape: [samples, n, 4]},
    {name: "aug_flip", dtype: "uint8", shape: [samples, n]},
    {name: "aug_jitter", dtype: "float32", shape: [samples, n, 3]},
    {name: "image_emb", dtype: m.dtype, shape: [samples, n, m.embedDim]},
    {name: "text_emb", dtype: m.dtype, shape: [samples, m.texts, m.embedDim]}
  ] as const satisfies readonly {name: string; dtype: Dtype; shape: number[]}[];
}

type FieldName = ReturnType<typeof fieldSpecs>[number]["name"];

/** Serialises one shard: "DMRS", u32 version, u32 header length, JSON header, 8-aligned fields. */
export function encodeShard(shard: ReinforcedShard, manifest: ShardLayout): Uint8Array {
  const {samples} = shard;
  const n = manifest.augmentations;
  const text = new TextEncoder();
  const captionBytes = shard.captions.flatMap((texts) => texts.map((t) => text.encode(t)));
  const textOffsets = new Uint32Array(captionBytes.length + 1);
  captionBytes.forEach((b, i) => (textOffsets[i + 1] = textOffsets[i] + b.length));
  const augs = shard.augmentations.flat();
  const values: Record<FieldName, ArrayBufferView> = {
    seed: shard.seeds,
    variant: shard.variants,
    text_offsets: textOffsets,
    text: concatBytes(captionBytes),
    aug_crop: Float32Array.from(augs.flatMap((a) => a.crop)),
    aug_flip: Uint8Array.from(augs, (a) => (a.flip ? 1 : 0)),
    aug_jitter: Float32Array.from(augs.flatMap((a) => [a.brightness, a.contrast, a.saturation])),
    image_emb: manifest.dtype === "float16" ? encodeHalf(shard.imageEmb) : shard.imageEmb,
    text_emb: manifest.dtype === "float16" ? encodeHalf(shard.textEmb) : shard.textEmb
  };
  if (augs.length !== samples * n) throw new Error(`encodeShard ${shard.file}: aug: ${augs.length} augmentations, expected ${samples}×${n}`);
  const specs = fieldSpecs(samples, manifest, values.text.byteLength);
  const bodies: Uint8Array[] = [];
  const fields: FieldEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const view = values[spec.name];
    const body = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const expected = spec.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[spec.dtype];
    if (body.length !== expected) throw new Error(`encodeShard ${shard.file}: ${spec.name}: ${body.length} bytes for shape [${spec.shape}] ${spec.dtype}, expected ${expected}`);
    fields.push({...spec, shape: [...spec.shape], offset, bytes: body.length, crc32: crc32(body)});
    const padded = align8(body.length);
    bodies.push(body, new Uint8Array(padded - body.length));
    offset += padded;
  }
  // Header offsets are relative to the data start; the header is padded so that start is 8-aligned.
  const header: ShardHeader = {file: shard.file, samples, fields};
  const json = text.encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(text.encode(MAGIC));
  const view = new DataView(prefix.buffer);
  view.setUint32(4, REINFORCED_VERSION, true);
  view.setUint32(8, align8(12 + json.length) - 12, true);
  const pad = new Uint8Array(align8(12 + json.length) - 12 - json.length).fill(0x20);
  return concatBytes([prefix, json, pad, ...bodies]);
}

/**
 * Reads and checks one shard against its manifest entry. Every failure names the shard and the
 * field: a short file ("truncated"), a checksum mismatch ("corrupt"), a wrong shape or dtype,
 * or values that cannot be right (crop boxes outside the image, non-finite embeddings).
 */
export function decodeShard(data: Uint8Array | ArrayBuffer, entry: ShardEntry, manifest: ReinforcedManifest): ReinforcedShard {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const fail = (field: string, what: string): never => {
    throw new Error(`reinforced shard ${entry.file}: field ${field}: ${what}`);
  };
  if (bytes.length < 12) fail("header", `file has ${bytes.length} bytes (truncated)`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail("header", `magic is not "${MAGIC}" (corrupt or not a shard)`);
  const prefix = new DataView(bytes.buffer, bytes.byteOffset, 12);
  if (prefix.getUint32(4, true) !== REINFORCED_VERSION) fail("header", `version ${prefix.getUint32(4, true)}, expected ${REINFORCED_VERSION}`);
  const headerLength = prefix.getUint32(8, true);
  const dataStart = 12 + headerLength;
  if (dataStart > bytes.length) fail("header", `needs ${headerLength} bytes, file has ${bytes.length - 12} after the prefix (truncated)`);
  let header: ShardHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(bytes.subarray(12, dataStart)));
  } catch {
    return fail("header", "not valid JSON (corrupt)");
  }
  if (typeof header !== "object" || header === null || !Array.isArray(header.fields)) fail("header", "expected an object with a list of fields (corrupt)");
  // A shard saved under another shard's name holds other samples, each field's checksum intact.
  if (header.file !== entry.file) fail("header.file", `${JSON.stringify(header.file)}, the manifest lists this shard as ${JSON.stringify(entry.file)}`);
  if (header.samples !== entry.samples) fail("header.samples", `${header.samples}, the manifest says ${entry.samples}`);
  const samples = entry.samples;
  if (!header.fields.every((f) => typeof f === "object" && f !== null)) fail("header.fields", "expected a list of objects (corrupt)");
  const textEntry = header.fields.find((f) => f.name === "text") ?? fail("text", "missing");
  const raw = {} as Record<FieldName, Uint8Array>;
  for (const spec of fieldSpecs(samples, manifest, textEntry.shape?.[0] ?? -1)) {
    const f = header.fields.find((x) => x.name === spec.name) ?? fail(spec.name, "missing");
    if (f.dtype !== spec.dtype) fail(spec.name, `dtype ${f.dtype}, expected ${spec.dtype}`);
    if (JSON.stringify(f.shape) !== JSON.stringify(spec.shape)) fail(spec.name, `shape [${f.shape}], expected [${spec.shape}]`);
    const expected = spec.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[spec.dtype];
    if (f.bytes !== expected) fail(spec.name, `${f.bytes} bytes, expected ${expected}`);
    const start = dataStart + f.offset;
    if (!(f.offset >= 0) || start + f.bytes > bytes.length) {
      fail(spec.name, `needs bytes ${start}..${start + f.bytes}, the file has ${bytes.length} (truncated)`);
    }
    // A copy: typed-array views need aligned offsets, and the caller's buffer may be reused.
    const body = bytes.slice(start, start + f.bytes);
    if (crc32(body) !== f.crc32) fail(spec.name, "checksum mismatch (corrupt)");
    raw[spec.name] = body;
  }
  if (bytes.length !== entry.bytes) fail("bytes", `the file has ${bytes.length} bytes, the manifest says ${entry.bytes}`);
  const u32 = (b: Uint8Array) => new Uint32Array(b.buffer);
  const f32 = (b: Uint8Array) => new Float32Array(b.buffer);
  const embeddings = (name: "image_emb" | "text_emb") => {
    const values = manifest.dtype === "float16" ? decodeHalf(new Uint16Array(raw[name].buffer)) : f32(raw[name]);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(name, `value ${bad} is ${values[bad]}`);
    return values;
  };

  const offsets = u32(raw.text_offsets);
  const utf8 = new TextDecoder("utf-8", {fatal: true});
  const texts: string[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    if (!(offsets[i] <= offsets[i + 1] && offsets[i + 1] <= raw.text.length) || offsets[0] !== 0) {
      fail("text_offsets", `entry ${i} is not a valid range of the ${raw.text.length} text bytes`);
    }
    try {
      texts.push(utf8.decode(raw.text.subarray(offsets[i], offsets[i + 1])));
    } catch {
      fail("text", `caption ${i} is not valid UTF-8`);
    }
  }
  if (offsets[offsets.length - 1] !== raw.text.length) fail("text_offsets", `ends at ${offsets[offsets.length - 1]}, the text has ${raw.text.length} bytes`);

  const n = manifest.augmentations;
  const crop = f32(raw.aug_crop);
  const jitter = f32(raw.aug_jitter);
  const augmentations = Array.from({length: samples}, (_, s) =>
    Array.from({length: n}, (_, k): Augmentation => {
      const i = s * n + k;
      const flip = raw.aug_flip[i];
      if (flip > 1) fail("aug_flip", `sample ${s} augmentation ${k} is ${flip}, expected 0 or 1`);
      const a: Augmentation = {
        crop: [crop[4 * i], crop[4 * i + 1], crop[4 * i + 2], crop[4 * i + 3]],
        flip: flip === 1,
        brightness: jitter[3 * i],
        contrast: jitter[3 * i + 1],
        saturation: jitter[3 * i + 2]
      };
      const problem = augmentationProblem(a);
      if (problem) fail(problem.param === "crop" ? "aug_crop" : "aug_jitter", `sample ${s} augmentation ${k}: ${problem.message}`);
      return a;
    })
  );
  const variants = raw.variant;
  const outside = variants.findIndex((v) => v >= manifest.groupSize);
  if (outside >= 0) fail("variant", `sample ${outside} is variant ${variants[outside]}, the groups have ${manifest.groupSize} members`);
  return {
    file: entry.file,
    samples,
    seeds: u32(raw.seed),
    variants,
    captions: Array.from({length: samples}, (_, s) => texts.slice(s * manifest.texts, (s + 1) * manifest.texts)),
    augmentations,
    imageEmb: embeddings("image_emb"),
    textEmb: embeddings("text_emb")
  };
}

/** Checks a parsed manifest.json, naming the first field that is wrong. */
/** Scenes are drawn at 64 px; one past this size is damage (at 100000 px one image would not fit in memory). */
const MAX_SCENE_SIZE = 1024;
/** A shard's name: one file in the set's own folder, never a path. */
const SHARD_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

export function checkManifest(m: ReinforcedManifest, label: string): ReinforcedManifest {
  const fail = (field: string, what: string): never => {
    throw new Error(`reinforced manifest ${label}: field ${field}: ${what}`);
  };
  if (m?.format !== REINFORCED_FORMAT) fail("format", `expected "${REINFORCED_FORMAT}", got ${JSON.stringify(m?.format)}`);
  if (m.version !== REINFORCED_VERSION) fail("version", `${m.version}, expected ${REINFORCED_VERSION}`);
  if (!(Number.isInteger(m.augmentations) && m.augmentations >= 1)) fail("augmentations", `${m.augmentations}, expected an integer ≥ 1`);
  if (m.texts !== TEXTS_PER_SAMPLE) fail("texts", `${m.texts}, expected ${TEXTS_PER_SAMPLE}`);
  if (m.dtype !== "float16" && m.dtype !== "float32") fail("dtype", `${m.dtype}, expected float16 or float32`);
  if (!Array.isArray(m.teachers) || m.teachers.length === 0) fail("teachers", "expected a non-empty list");
  m.teachers.forEach((t, i) => {
    if (!(Number.isInteger(t?.dim) && t.dim >= 1)) fail(`teachers[${i}].dim`, `${JSON.stringify(t?.dim)}, expected an integer ≥ 1`);
  });
  const dims = m.teachers.reduce((sum, t) => sum + t.dim, 0);
  if (dims !== m.embedDim) fail("embedDim", `${m.embedDim}, but the teachers' dims sum to ${dims}`);
  if (m.scene?.generator !== SCENE_GENERATOR_VERSION) {
    fail("scene.generator", `${m.scene?.generator}: written by another scene generator than this one (${SCENE_GENERATOR_VERSION}); regenerate the set`);
  }
  if (!(Number.isInteger(m.scene.size) && m.scene.size >= 1 && m.scene.size <= MAX_SCENE_SIZE)) {
    fail("scene.size", `${JSON.stringify(m.scene.size)}, expected an integer in [1, ${MAX_SCENE_SIZE}]`);
  }
  if (!(Number.isInteger(m.groupSize) && m.groupSize >= 1 && m.groupSize <= MAX_GROUP_SIZE)) fail("groupSize", `${JSON.stringify(m.groupSize)}, expected an integer in [1, ${MAX_GROUP_SIZE}]`);
  if (!Array.isArray(m.shards)) fail("shards", "expected a list");
  m.shards.forEach((s, i) => {
    // A shard is read by name through the set's reader: a path could reach outside the set's folder.
    if (typeof s?.file !== "string" || !SHARD_NAME.test(s.file)) fail(`shards[${i}].file`, `${JSON.stringify(s?.file)}, expected a plain file name in the set's folder (letters, digits, ".", "_", "-")`);
    for (const field of ["samples", "bytes"] as const) {
      if (!(Number.isInteger(s[field]) && s[field] >= 1)) fail(`shards[${i}].${field}`, `${JSON.stringify(s[field])}, expected an integer ≥ 1`);
    }
    // A group never straddles two shards: shards are read and shuffled one at a time.
    if (s.samples % m.groupSize !== 0) fail(`shards[${i}].samples`, `${s.samples}, expected a multiple of groupSize ${m.groupSize}`);
  });
  const total = m.shards.reduce((sum, s) => sum + s.samples, 0);
  if (total !== m.samples) fail("samples", `${m.samples}, but the shards hold ${total}`);
  return m;
}

/**
 * `a` at the precision a shard stores it (float32). The writer applies this rounded copy, so
 * the view a loader rebuilds from the shard is bit-identical to the one the teachers saw.
 */
export function storedAugmentation(a: Augmentation): Augmentation {
  const [y, x, h, w] = a.crop.map(Math.fround);
  return {
    crop: [y, x, h, w],
    flip: a.flip,
    brightness: Math.fround(a.brightness),
    contrast: Math.fround(a.contrast),
    saturation: Math.fround(a.saturation)
  };
}

/** A group's members each hold a different class in every item slot. */
export const MAX_GROUP_SIZE = CLASSES.length;

/** Where a stored sample's scene comes from: its group's seed, its variant and the group size. */
export interface SampleKey {
  readonly seed: number;
  readonly variant: number;
  readonly groupSize: number;
}

/** The scene of a stored sample, as writer and loader both draw it. */
export function storedScene(sources: Sources, {seed, variant, groupSize}: SampleKey): Scene {
  const scene = sampleScene(seed, sources, "train");
  if (groupSize === 1) return scene;
  // The variants' classes come from a stream of the group's own, so any one member is redrawn alone.
  return identityVariants(scene, sources, groupSize, new Rng(sceneSeed(seed, 0x1d)))[variant];
}

/** The un-augmented image of a stored sample. */
export function renderSample(sources: Sources, key: SampleKey, size: number): RgbImage {
  return renderScene(storedScene(sources, key), sources, size);
}

/** The key of sample `i` of a shard of a set whose groups have `groupSize` members. */
export function sampleKey(shard: ReinforcedShard, i: number, groupSize: number): SampleKey {
  return {seed: shard.seeds[i], variant: shard.variants[i], groupSize};
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
