import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {splitWords} from "../../../src/lib/clip/tokenizer.js";
import {applyAugmentation} from "../../../src/lib/data/augmentation.js";
import {groundTruthCaption, syntheticCaptions} from "../../../src/lib/data/captions.js";
import type {ImageBatch} from "../../../src/lib/data/image.js";
import {diskReader, diskWriter, loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {checkManifest, decodeShard, encodeShard, MANIFEST_FILE, renderSample, sampleKey, storedScene, type ReinforcedManifest, type TeacherInfo} from "../../../src/lib/data/reinforcedFormat.js";
import {ReinforcedSet} from "../../../src/lib/data/reinforcedLoader.js";
import {writeReinforcedSet, type EmbedFn} from "../../../src/lib/data/reinforcedWriter.js";
import {sampleScene, sceneSeed} from "../../../src/lib/data/scene.js";
import type {Sources} from "../../../src/lib/data/sources.js";
import {captionVocabulary} from "../../../src/lib/data/vocabulary.js";
import {Rng} from "../../../src/lib/random/rng.js";

const TEACHERS: TeacherInfo[] = [
  {name: "projection-a", dim: 8, logitScale: 20},
  {name: "projection-b", dim: 12}
];
const D = 20;
const SIZE = 64;
const POOL = 8;

/**
 * Two stand-in teachers: fixed random projections of an 8×8 average-pooled image and of a
 * caption's bag of words, each L2-normalised — deterministic, and sensitive to every pixel block
 * and word, so a wrong view or caption gives a different embedding.
 */
function projectionTeachers(): {embed: EmbedFn; imageRow: (data: Float32Array) => Float32Array; textRow: (t: string) => Float32Array} {
  const rng = new Rng(99);
  const vocab = captionVocabulary(splitWords);
  const imageIn = POOL * POOL * 3;
  const imageP = TEACHERS.map((t) => Float32Array.from({length: imageIn * t.dim}, () => rng.normal()));
  const textP = TEACHERS.map((t) => Float32Array.from({length: vocab.length * t.dim}, () => rng.normal()));
  const project = (x: Float32Array, ps: Float32Array[]) => {
    const out = new Float32Array(D);
    let at = 0;
    TEACHERS.forEach((t, k) => {
      let norm = 0;
      for (let j = 0; j < t.dim; j++) {
        let v = 0;
        for (let i = 0; i < x.length; i++) v += x[i] * ps[k][i * t.dim + j];
        out[at + j] = v;
        norm += v * v;
      }
      for (let j = 0; j < t.dim; j++) out[at + j] /= Math.sqrt(norm);
      at += t.dim;
    });
    return out;
  };
  const imageRow = (data: Float32Array) => {
    const pooled = new Float32Array(imageIn);
    const cell = SIZE / POOL;
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) for (let c = 0; c < 3; c++) pooled[3 * (Math.floor(y / cell) * POOL + Math.floor(x / cell)) + c] += data[3 * (y * SIZE + x) + c];
    return project(pooled, imageP);
  };
  const textRow = (text: string) => {
    const bag = new Float32Array(vocab.length);
    for (const w of splitWords(text)) bag[vocab.indexOf(w)] += 1;
    return project(bag, textP);
  };
  const embed: EmbedFn = async (images: ImageBatch, captions) => {
    const n = images.width * images.height * 3;
    const imageEmb = new Float32Array(images.count * D);
    for (let i = 0; i < images.count; i++) imageEmb.set(imageRow(images.data.subarray(i * n, (i + 1) * n)), i * D);
    const textEmb = new Float32Array(captions.length * D);
    captions.forEach((t, i) => textEmb.set(textRow(t), i * D));
    return {imageEmb, textEmb};
  };
  return {embed, imageRow, textRow};
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

let sources: Sources;
const teachers = projectionTeachers();
const store = new Map<string, Uint8Array>();
const read = async (file: string) => {
  const bytes = store.get(file);
  if (!bytes) throw new Error(`no file ${file}`);
  return bytes;
};
let manifest: ReinforcedManifest;
const SEED = 17;

beforeAll(async () => {
  sources = await loadSourcesFromDisk();
  manifest = await writeReinforcedSet({
    sources,
    samples: 40,
    seed: SEED,
    teachers: TEACHERS,
    embed: teachers.embed,
    write: async (file, bytes) => void store.set(file, bytes.slice()),
    augmentations: 3,
    shardSamples: 16,
    chunk: 7
  });
});

describe("reinforced set writer + loader", () => {
  it("writes a manifest and shards in DataCompDR's per-sample layout", async () => {
    expect(manifest.shards.map((s) => s.samples)).toEqual([16, 16, 8]);
    expect(manifest).toMatchObject({samples: 40, augmentations: 3, texts: 6, embedDim: D, dtype: "float16", teachers: TEACHERS, scene: {split: "train", size: SIZE, seed: SEED}});
    const set = await ReinforcedSet.open(read);
    expect(set.manifest).toEqual(manifest);
    const shard = await set.readShard(1);
    for (let s = 0; s < shard.samples; s++) {
      const seed = sceneSeed(SEED, 16 + s);
      expect(shard.seeds[s]).toBe(seed);
      const scene = sampleScene(seed, sources, "train");
      expect(shard.captions[s]).toEqual([groundTruthCaption(scene), ...syntheticCaptions(scene)]);
      const image = renderSample(sources, {seed, variant: 0, groupSize: 1}, SIZE);
      shard.augmentations[s].forEach((aug, k) => {
        const stored = shard.imageEmb.subarray((s * 3 + k) * D, (s * 3 + k + 1) * D);
        expect(maxDiff(stored, teachers.imageRow(applyAugmentation(image, aug).data))).toBeLessThan(1e-3);
      });
      // Different augmentations of one scene really are different views.
      expect(maxDiff(shard.imageEmb.subarray(s * 3 * D, (s * 3 + 1) * D), shard.imageEmb.subarray((s * 3 + 1) * D, (s * 3 + 2) * D))).toBeGreaterThan(1e-3);
      shard.captions[s].forEach((t, j) => expect(maxDiff(shard.textEmb.subarray((s * 6 + j) * D, (s * 6 + j + 1) * D), teachers.textRow(t))).toBeLessThan(1e-3));
    }
  });

  it("streams batches whose stored embeddings are those of exactly the views it returns", async () => {
    const set = await ReinforcedSet.open(read);
    const seen: number[] = [];
    for await (const batch of set.batches(sources, {batchSize: 12, seed: 1, dropLast: false})) {
      const n = SIZE * SIZE * 3;
      for (let b = 0; b < batch.size; b++) {
        seen.push(batch.seeds[b]);
        const view = batch.images.data.subarray(b * n, (b + 1) * n);
        expect(maxDiff(batch.imageEmb.subarray(b * D, (b + 1) * D), teachers.imageRow(view))).toBeLessThan(1e-3);
        expect(maxDiff(batch.textEmb.subarray(b * D, (b + 1) * D), teachers.textRow(batch.captions[b]))).toBeLessThan(1e-3);
        expect(maxDiff(batch.syntheticTextEmb.subarray(b * D, (b + 1) * D), teachers.textRow(batch.syntheticCaptions[b]))).toBeLessThan(1e-3);
        const scene = sampleScene(batch.seeds[b], sources, "train");
        expect(batch.captions[b]).toBe(groundTruthCaption(scene));
        expect(syntheticCaptions(scene)).toContain(batch.syntheticCaptions[b]);
      }
    }
    expect(seen.sort()).toEqual(Array.from({length: 40}, (_, i) => sceneSeed(SEED, i)).sort());
  });

  it("shuffles by seed and epoch, reproducibly, and drops the short last batch by default", async () => {
    const set = await ReinforcedSet.open(read);
    const order = async (seed: number, epoch: number) => {
      const out: string[] = [];
      for await (const batch of set.batches(sources, {batchSize: 12, seed, epoch})) out.push(`${batch.size}:${Array.from(batch.seeds)}:${Array.from(batch.augmentation)}`);
      return out;
    };
    const a = await order(1, 0);
    expect(a).toHaveLength(3);
    expect(a.every((s) => s.startsWith("12:"))).toBe(true);
    expect(await order(1, 0)).toEqual(a);
    expect(await order(1, 1)).not.toEqual(a);
  });

  it("round-trips through files on disk, and float32 embeddings exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reinforced-"));
    try {
      const written = await writeReinforcedSet({sources, samples: 5, seed: 3, teachers: TEACHERS, embed: teachers.embed, write: diskWriter(dir), dtype: "float32", shardSamples: 2});
      const set = await ReinforcedSet.open(diskReader(dir));
      expect(set.manifest).toEqual(written);
      const shard = await set.readShard(2);
      const image = renderSample(sources, sampleKey(shard, 0, 1), SIZE);
      shard.augmentations[0].forEach((aug, k) => expect(shard.imageEmb.subarray(k * D, (k + 1) * D)).toEqual(teachers.imageRow(applyAugmentation(image, aug).data)));
    } finally {
      rmSync(dir, {recursive: true});
    }
  });
});

describe("a reinforced set stored in identity groups", () => {
  const GROUP = 4;
  const groupStore = new Map<string, Uint8Array>();
  const groupRead = async (file: string) => groupStore.get(file) ?? Promise.reject(new Error(`no file ${file}`));
  let grouped: ReinforcedManifest;
  beforeAll(async () => {
    grouped = await writeReinforcedSet({sources, samples: 24, seed: 5, teachers: TEACHERS, embed: teachers.embed, write: async (f, b) => void groupStore.set(f, b.slice()), groupSize: GROUP, shardSamples: 8, chunk: 3});
  });

  it("stores groups whose members share a scene and differ only in what their items are", async () => {
    expect(grouped.groupSize).toBe(GROUP);
    const set = await ReinforcedSet.open(groupRead);
    const shard = await set.readShard(1);
    expect(Array.from(shard.variants)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    for (let g = 0; g < 2; g++) {
      const members = [0, 1, 2, 3].map((v) => g * GROUP + v);
      expect(new Set(members.map((i) => shard.seeds[i])).size).toBe(1);
      expect(shard.seeds[members[0]]).toBe(sceneSeed(5, 2 + g));
      const scenes = members.map((i) => storedScene(sources, sampleKey(shard, i, GROUP)));
      // Variant 0 is the group's own scene; the others swap every item's class and nothing else.
      expect(scenes[0]).toEqual(sampleScene(shard.seeds[members[0]], sources, "train"));
      const strip = (x: (typeof scenes)[number]) => ({...x, items: x.items.map(({classId: _c, index: _i, ...rest}) => rest)});
      for (const scene of scenes) expect(strip(scene)).toEqual(strip(scenes[0]));
      for (let slot = 0; slot < scenes[0].items.length; slot++) expect(new Set(scenes.map((x) => x.items[slot].classId)).size).toBe(GROUP);
      members.forEach((i, v) => {
        expect(shard.captions[i][0]).toBe(groundTruthCaption(scenes[v]));
        const image = renderSample(sources, sampleKey(shard, i, GROUP), SIZE);
        shard.augmentations[i].forEach((aug, k) => expect(maxDiff(shard.imageEmb.subarray((i * 2 + k) * D, (i * 2 + k + 1) * D), teachers.imageRow(applyAugmentation(image, aug).data))).toBeLessThan(1e-3));
      });
    }
  });

  it("batches whole groups by default, and ordinary shuffled batches of the same data on request", async () => {
    const set = await ReinforcedSet.open(groupRead);
    const groupsOf = async (grouped: boolean) => {
      const runs: boolean[] = [];
      const all: number[] = [];
      for await (const batch of set.batches(sources, {batchSize: 8, seed: 3, grouped})) {
        all.push(...batch.seeds);
        for (let b = 0; b < batch.size; b += GROUP) runs.push(new Set(batch.seeds.subarray(b, b + GROUP)).size === 1);
        batch.captions.forEach((c, b) => expect(maxDiff(batch.textEmb.subarray(b * D, (b + 1) * D), teachers.textRow(c))).toBeLessThan(1e-3));
      }
      return {runs, all: all.sort()};
    };
    const whole = await groupsOf(true);
    const single = await groupsOf(false);
    expect(whole.runs.every(Boolean)).toBe(true);
    expect(single.runs.every(Boolean)).toBe(false);
    expect(single.all).toEqual(whole.all);
    await expect(set.batches(sources, {batchSize: 6}).next()).rejects.toThrow(/batchSize must be a multiple of the set's groupSize 4/);
  });

  it("refuses a group size that does not divide a shard, naming the field", () => {
    const bad = {...grouped, groupSize: 3};
    expect(() => checkManifest(bad, "m.json")).toThrow(/shards\[0\]\.samples: 8, expected a multiple of groupSize 3/);
    expect(() => checkManifest({...grouped, groupSize: 0}, "m.json")).toThrow(/field groupSize: 0, expected an integer in \[1, 20\]/);
  });
});

describe("damaged reinforced sets", () => {
  /** Byte range of a field in a shard file, read from its header. */
  function fieldRange(bytes: Uint8Array, name: string): [number, number] {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
    const field = header.fields.find((f: {name: string}) => f.name === name);
    return [12 + headerLength + field.offset, 12 + headerLength + field.offset + field.bytes];
  }
  const entry = (i: number) => manifest.shards[i];

  it("rejects a flipped byte, naming the shard and the field", () => {
    for (const field of ["seed", "text", "aug_crop", "image_emb", "text_emb"]) {
      const bytes = store.get("shard-00001.bin")!.slice();
      const [start, end] = fieldRange(bytes, field);
      bytes[Math.floor((start + end) / 2)] ^= 0x10;
      expect(() => decodeShard(bytes, entry(1), manifest)).toThrow(new RegExp(`shard-00001\\.bin: field ${field}: checksum mismatch`));
    }
  });

  it("rejects a truncated shard, naming the shard and the first field cut short", () => {
    const bytes = store.get("shard-00002.bin")!;
    const [start] = fieldRange(bytes, "text_emb");
    expect(() => decodeShard(bytes.subarray(0, start + 10), entry(2), manifest)).toThrow(/shard-00002\.bin: field text_emb: .*truncated/);
    const [imageStart] = fieldRange(bytes, "image_emb");
    expect(() => decodeShard(bytes.subarray(0, imageStart + 1), entry(2), manifest)).toThrow(/shard-00002\.bin: field image_emb: .*truncated/);
    expect(() => decodeShard(bytes.subarray(0, 40), entry(2), manifest)).toThrow(/shard-00002\.bin: field header: .*truncated/);
    expect(() => decodeShard(bytes.subarray(0, 6), entry(2), manifest)).toThrow(/shard-00002\.bin: field header: .*truncated/);
  });

  it("rejects a damaged header, impossible augmentations and a manifest that does not add up", async () => {
    const bytes = store.get("shard-00000.bin")!.slice();
    bytes[14] = 0xff;
    expect(() => decodeShard(bytes, entry(0), manifest)).toThrow(/shard-00000\.bin: field header: not valid JSON/);
    const shard = decodeShard(store.get("shard-00000.bin")!, entry(0), manifest);
    const bad = {...shard, augmentations: shard.augmentations.map((augs, s) => augs.map((a) => (s === 3 ? {...a, crop: [0.5, 0.5, 0.6, 0.2] as const} : a)))};
    const reencoded = encodeShard(bad, manifest);
    expect(() => decodeShard(reencoded, {...entry(0), bytes: reencoded.length}, manifest)).toThrow(/shard-00000\.bin: field aug_crop: sample 3 augmentation 0/);
    const withManifest = (m: object) => ReinforcedSet.open(async (file) => (file === MANIFEST_FILE ? new TextEncoder().encode(JSON.stringify(m)) : read(file)));
    await expect(withManifest({...manifest, embedDim: 21})).rejects.toThrow(/manifest\.json: field embedDim/);
    await expect(withManifest({...manifest, scene: {...manifest.scene, generator: 0}})).rejects.toThrow(/manifest\.json: field scene\.generator/);
    await expect(withManifest({...manifest, samples: 41})).rejects.toThrow(/manifest\.json: field samples/);
  });

  it("refuses at open a shard named by a path, an impossible scene size and damaged shard entries", async () => {
    const reads: string[] = [];
    const withManifest = (m: object) =>
      ReinforcedSet.open(async (file) => {
        reads.push(file);
        return file === MANIFEST_FILE ? new TextEncoder().encode(JSON.stringify(m)) : read(file);
      });
    const shards = (first: object) => [{...manifest.shards[0], ...first}, ...manifest.shards.slice(1)];
    await expect(withManifest({...manifest, shards: shards({file: "../../secrets/shard-00000.bin"})})).rejects.toThrow(
      'manifest.json: field shards[0].file: "../../secrets/shard-00000.bin", expected a plain file name in the set\'s folder'
    );
    await expect(withManifest({...manifest, shards: shards({file: ".."})})).rejects.toThrow(/field shards\[0\]\.file: "\.\."/);
    await expect(withManifest({...manifest, shards: [null, ...manifest.shards.slice(1)]})).rejects.toThrow(/field shards\[0\]\.file: undefined/);
    await expect(withManifest({...manifest, shards: shards({samples: "16"})})).rejects.toThrow('field shards[0].samples: "16", expected an integer ≥ 1');
    await expect(withManifest({...manifest, scene: {...manifest.scene, size: 100000}})).rejects.toThrow("manifest.json: field scene.size: 100000, expected an integer in [1, 1024]");
    await expect(withManifest({...manifest, teachers: [{name: "a", dim: "12"}]})).rejects.toThrow('field teachers[0].dim: "12", expected an integer ≥ 1');
    expect(reads.every((f) => f === MANIFEST_FILE)).toBe(true);
  });

  it("refuses a shard stored under another shard's name, or whose header is not an object", () => {
    expect(() => decodeShard(store.get("shard-00001.bin")!, {...entry(0), bytes: store.get("shard-00001.bin")!.length}, manifest)).toThrow(
      'reinforced shard shard-00000.bin: field header.file: "shard-00001.bin", the manifest lists this shard as "shard-00000.bin"'
    );
    const bytes = store.get("shard-00000.bin")!.slice();
    const length = new DataView(bytes.buffer).getUint32(8, true);
    bytes.set(new TextEncoder().encode("null".padEnd(length, " ")), 12);
    expect(() => decodeShard(bytes, entry(0), manifest)).toThrow("reinforced shard shard-00000.bin: field header: expected an object with a list of fields (corrupt)");
  });

  it("surfaces a damaged shard while streaming, by name", async () => {
    const damaged = new Map(store);
    const bytes = store.get("shard-00002.bin")!.slice();
    bytes[bytes.length - 3] ^= 1;
    damaged.set("shard-00002.bin", bytes);
    const set = await ReinforcedSet.open(async (f) => damaged.get(f)!);
    const drain = async () => {
      for await (const batch of set.batches(sources, {batchSize: 8})) void batch;
    };
    await expect(drain()).rejects.toThrow(/shard-00002\.bin: field text_emb: checksum mismatch/);
  });

  it("refuses teacher output of the wrong shape, naming it", async () => {
    const short: EmbedFn = async (images, captions) => ({imageEmb: new Float32Array(images.count * D - 1), textEmb: new Float32Array(captions.length * D)});
    await expect(writeReinforcedSet({sources, samples: 2, seed: 1, teachers: TEACHERS, embed: short, write: async () => {}})).rejects.toThrow(/embed\(\) returned imageEmb of length/);
  });
});

afterAll(() => store.clear());
