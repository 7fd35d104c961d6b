import {Rng} from "../random/rng.js";
import {applyAugmentation, DEFAULT_AUGMENTATION_POLICY, sampleAugmentation, type AugmentationPolicy} from "./augmentation.js";
import {groundTruthCaption, syntheticCaptions} from "./captions.js";
import {stackImages, type ImageBatch, type RgbImage} from "./image.js";
import {
  encodeShard,
  MANIFEST_FILE,
  REINFORCED_FORMAT,
  MAX_GROUP_SIZE,
  REINFORCED_VERSION,
  storedScene,
  TEXTS_PER_SAMPLE,
  type EmbeddingDtype,
  type ReinforcedManifest,
  type ReinforcedShard,
  storedAugmentation,
  type ShardEntry,
  type TeacherInfo
} from "./reinforcedFormat.js";
import {renderScene} from "./render.js";
import {SCENE_GENERATOR_VERSION, sceneSeed} from "./scene.js";
import type {Sources} from "./sources.js";

export interface TeacherEmbeddings {
  /** [images.count, D]: row r embeds images[r]. */
  readonly imageEmb: Float32Array;
  /** [captions.length, D]: row r embeds captions[r]. */
  readonly textEmb: Float32Array;
}

/**
 * The teachers, seen by the writer: embeddings of a batch of augmented views (N per sample,
 * sample-major) and of their captions (6 per sample: ground truth, then 5 synthetic), each row the
 * teachers' L2-normalised embeddings concatenated in manifest order (D = sum of their dims).
 */
export type EmbedFn = (images: ImageBatch, captions: readonly string[]) => Promise<TeacherEmbeddings>;

export interface ReinforcedWriterOptions {
  readonly sources: Sources;
  /** How many scenes (the issue asks ≥ 10,000 for training). */
  readonly samples: number;
  readonly seed: number;
  readonly teachers: readonly TeacherInfo[];
  readonly embed: EmbedFn;
  /** Stores one file of the set (disk in Node; anything that keeps bytes in the browser). */
  readonly write: (file: string, bytes: Uint8Array) => Promise<void>;
  /** Members per identity group (default 1); must divide `samples` and `shardSamples`. */
  readonly groupSize?: number;
  /** Stored augmentations per sample, N (default 2). */
  readonly augmentations?: number;
  readonly shardSamples?: number;
  readonly dtype?: EmbeddingDtype;
  /** Render size of the scenes the teachers see (default 64). */
  readonly size?: number;
  readonly policy?: AugmentationPolicy;
  /** Samples per embed call (default 32). */
  readonly chunk?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Writes a reinforced set: per sample a scene seed, its captions, N sampled augmentations and the
 * teachers' embeddings of exactly those augmented views and of the 6 captions; then the manifest.
 */
export async function writeReinforcedSet(options: ReinforcedWriterOptions): Promise<ReinforcedManifest> {
  const {sources, samples, seed, teachers, embed, write} = options;
  const n = options.augmentations ?? 2;
  const shardSamples = options.shardSamples ?? 1000;
  const size = options.size ?? 64;
  const chunk = options.chunk ?? 32;
  const policy = options.policy ?? DEFAULT_AUGMENTATION_POLICY;
  const groupSize = options.groupSize ?? 1;
  for (const [name, v] of Object.entries({samples, augmentations: n, shardSamples, size, chunk, groupSize})) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`writeReinforcedSet: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (groupSize > MAX_GROUP_SIZE) throw new Error(`writeReinforcedSet: groupSize must be at most ${MAX_GROUP_SIZE} (one class per member), got ${groupSize}`);
  for (const [name, v] of Object.entries({samples, shardSamples})) {
    if (v % groupSize !== 0) throw new Error(`writeReinforcedSet: ${name} (${v}) must be a multiple of groupSize (${groupSize})`);
  }
  const embedDim = teachers.reduce((sum, t) => sum + t.dim, 0);
  const header: Omit<ReinforcedManifest, "shards"> = {
    format: REINFORCED_FORMAT,
    version: REINFORCED_VERSION,
    samples,
    augmentations: n,
    texts: TEXTS_PER_SAMPLE,
    teachers,
    embedDim,
    dtype: options.dtype ?? "float16",
    groupSize,
    scene: {split: "train", size, seed, generator: SCENE_GENERATOR_VERSION},
    augmentationPolicy: policy
  };
  const shards: ShardEntry[] = [];
  for (let first = 0; first < samples; first += shardSamples) {
    const count = Math.min(shardSamples, samples - first);
    const file = `shard-${String(shards.length).padStart(5, "0")}.bin`;
    const shard: ReinforcedShard = {
      file,
      samples: count,
      seeds: Uint32Array.from({length: count}, (_, i) => sceneSeed(seed, Math.floor((first + i) / groupSize))),
      variants: Uint8Array.from({length: count}, (_, i) => (first + i) % groupSize),
      captions: [],
      augmentations: [],
      imageEmb: new Float32Array(count * n * embedDim),
      textEmb: new Float32Array(count * TEXTS_PER_SAMPLE * embedDim)
    };
    const captions = shard.captions as string[][];
    const augmentations = shard.augmentations as ReturnType<typeof sampleAugmentation>[][];
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      const views: RgbImage[] = [];
      for (let s = start; s < end; s++) {
        const scene = storedScene(sources, {seed: shard.seeds[s], variant: shard.variants[s], groupSize});
        captions.push([groundTruthCaption(scene), ...syntheticCaptions(scene)]);
        const image = renderScene(scene, sources, size);
        // Its own stream per sample, so a sample's augmentations do not depend on chunking.
        const rng = new Rng(sceneSeed(shard.seeds[s], 0xa6 + 0x100 * shard.variants[s]));
        const augs = Array.from({length: n}, () => storedAugmentation(sampleAugmentation(rng, policy)));
        augmentations.push(augs);
        for (const a of augs) views.push(applyAugmentation(image, a));
      }
      const texts = captions.slice(start, end).flat();
      const out = await embed(stackImages(views), texts);
      checkEmbeddings(out.imageEmb, views.length, embedDim, "imageEmb");
      checkEmbeddings(out.textEmb, texts.length, embedDim, "textEmb");
      shard.imageEmb.set(out.imageEmb, start * n * embedDim);
      shard.textEmb.set(out.textEmb, start * TEXTS_PER_SAMPLE * embedDim);
      options.onProgress?.(first + end, samples);
    }
    const bytes = encodeShard(shard, header);
    await write(file, bytes);
    shards.push({file, samples: count, bytes: bytes.length});
  }
  const manifest: ReinforcedManifest = {...header, shards};
  await write(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
  return manifest;
}

function checkEmbeddings(values: Float32Array, rows: number, dim: number, name: string): void {
  if (!(values instanceof Float32Array) || values.length !== rows * dim) {
    throw new Error(`writeReinforcedSet: embed() returned ${name} of length ${values?.length}, expected ${rows}×${dim}`);
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`writeReinforcedSet: embed() returned ${name}[${bad}] = ${values[bad]}`);
}
