import type {ClipModelConfig, NamedWeights} from "../clip/clipModel.js";
import type {TokenizerJSON} from "../clip/tokenizer.js";
import type {AdamWState} from "./adamw.js";

/**
 * A model checkpoint as one byte array (a Node file, an IndexedDB value or a download alike):
 * "DMCLIPCK", a little-endian uint32 header length, a JSON header, then float32 arrays, each
 * 4-byte aligned at the offset the header gives. Weights always; optimizer moments and the step
 * when training is to resume.
 */
export interface Checkpoint {
  model: ClipModelConfig;
  tokenizer: TokenizerJSON;
  weights: NamedWeights;
  step: number;
  optimizer?: AdamWState;
  /** Free-form JSON: training settings, teacher's measured scores, provenance. */
  meta: Record<string, unknown>;
}

const MAGIC = "DMCLIPCK";
const VERSION = 1;

interface ArrayEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

interface Header {
  version: number;
  model: ClipModelConfig;
  tokenizer: TokenizerJSON;
  step: number;
  meta: Record<string, unknown>;
  weights: ArrayEntry[];
  optimizer?: {step: number; m: ArrayEntry[]; v: ArrayEntry[]};
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, values: Float32Array, shape: number[]): ArrayEntry => {
    arrays.push(values);
    const entry = {name, shape, offset, length: values.length};
    offset += values.length * 4;
    return entry;
  };
  const header: Header = {
    version: VERSION,
    model: c.model,
    tokenizer: c.tokenizer,
    step: c.step,
    meta: c.meta,
    weights: [...c.weights].map(([name, w]) => add(name, w.values, w.shape))
  };
  if (c.optimizer) {
    const moments = Object.entries(c.optimizer.moments);
    header.optimizer = {
      step: c.optimizer.step,
      m: moments.map(([name, x]) => add(name, x.m, x.shape)),
      v: moments.map(([name, x]) => add(name, x.v, x.shape))
    };
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(MAGIC.length + 4 + json.length);
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  const floats = new Float32Array(bytes.buffer, dataStart, offset / 4);
  let at = 0;
  for (const a of arrays) {
    floats.set(a, at);
    at += a.length;
  }
  return bytes;
}

/** Reads a checkpoint; damage fails with an error naming `label` and what is wrong. */
export function decodeCheckpoint(data: Uint8Array | ArrayBuffer, label: string): Checkpoint {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const fail = (what: string): never => {
    throw new Error(`checkpoint ${label}: ${what}`);
  };
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    fail(`not a DM-CLIP Lab checkpoint (it does not start with "${MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) fail(`truncated: the header needs ${headerLength} bytes, the file has ${bytes.length}`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch {
    return fail("the header is not valid JSON");
  }
  if (!isObject(header)) fail(`the header must be a JSON object, got ${JSON.stringify(header)}`);
  if (header.version !== VERSION) fail(`version ${header.version} is not supported (expected ${VERSION})`);
  for (const field of ["model", "tokenizer", "meta"] as const) {
    if (typeof header[field] !== "object" || header[field] === null) fail(`header field "${field}" is missing`);
  }
  if (!Number.isInteger(header.step) || header.step < 0) fail(`header field "step" must be an integer ≥ 0, got ${header.step}`);
  if (!Array.isArray(header.weights)) fail(`header field "weights" is missing`);
  header.weights.forEach((e, i) => checkEntry(e, `weights[${i}]`, fail));
  const opt = header.optimizer;
  if (opt !== undefined) {
    if (!isObject(opt) || !Array.isArray(opt.m) || !Array.isArray(opt.v)) fail(`header field "optimizer" must hold arrays "m" and "v"`);
    if (!Number.isInteger(opt.step) || opt.step < 0) fail(`header field "optimizer.step" must be an integer ≥ 0, got ${JSON.stringify(opt.step)}`);
    if (opt.m.length !== opt.v.length) fail(`the optimizer has ${opt.m.length} "m" moments but ${opt.v.length} "v" moments`);
    opt.m.forEach((m, i) => {
      checkEntry(m, `optimizer.m[${i}]`, fail);
      checkEntry(opt.v[i], `optimizer.v[${i}]`, fail);
      if (opt.v[i].name !== m.name || opt.v[i].shape.join() !== m.shape.join()) {
        fail(`optimizer.v[${i}] ("${opt.v[i].name}" [${opt.v[i].shape}]) does not pair with optimizer.m[${i}] ("${m.name}" [${m.shape}])`);
      }
    });
  }
  const dataStart = align4(MAGIC.length + 4 + headerLength);
  // Copy into a buffer of its own, so offsets count from its start: the caller's bytes may sit
  // at any offset of a larger buffer, and Node's Buffer.slice() returns a view, not a copy.
  const body = new Uint8Array(bytes.subarray(dataStart));
  const read = (e: ArrayEntry, field: string): Float32Array => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size !== e.length) fail(`${field} "${e.name}": shape [${e.shape}] does not hold ${e.length} values`);
    if (e.offset % 4 !== 0 || e.offset + e.length * 4 > body.length) {
      fail(`${field} "${e.name}" lies outside the file (truncated? it needs bytes up to ${dataStart + e.offset + e.length * 4}, the file has ${bytes.length})`);
    }
    const values = new Float32Array(body.buffer, e.offset, e.length);
    if (!values.every(Number.isFinite)) fail(`${field} "${e.name}" holds non-finite values`);
    return values;
  };
  const weights: NamedWeights = new Map(header.weights.map((e) => [e.name, {values: read(e, "weight"), shape: e.shape}]));
  let optimizer: AdamWState | undefined;
  if (header.optimizer) {
    const moments: AdamWState["moments"] = {};
    header.optimizer.m.forEach((e, i) => {
      moments[e.name] = {m: read(e, "optimizer m"), v: read(header.optimizer!.v[i], "optimizer v"), shape: e.shape};
    });
    optimizer = {step: header.optimizer.step, moments};
  }
  return {model: header.model, tokenizer: header.tokenizer, weights, step: header.step, optimizer, meta: header.meta};
}

function isObject(x: unknown): x is Record<string, any> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** An array entry as the header must give it: before any shape is multiplied or offset read. */
function checkEntry(e: unknown, at: string, fail: (what: string) => never): asserts e is ArrayEntry {
  if (!isObject(e)) return fail(`${at} must be an object with name, shape, offset and length, got ${JSON.stringify(e)}`);
  if (typeof e.name !== "string") fail(`${at}.name must be a string, got ${JSON.stringify(e.name)}`);
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${at} ("${e.name}"): shape must be an array of integers ≥ 0, got ${JSON.stringify(e.shape)}`);
  for (const field of ["offset", "length"] as const) {
    if (!Number.isInteger(e[field]) || e[field] < 0) fail(`${at} ("${e.name}"): ${field} must be an integer ≥ 0, got ${JSON.stringify(e[field])}`);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
