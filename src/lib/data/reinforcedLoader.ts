import {Rng} from "../random/rng.js";
import {applyAugmentation} from "./augmentation.js";
import {stackImages, type ImageBatch} from "./image.js";
import {checkManifest, decodeShard, MANIFEST_FILE, renderSample, sampleKey, type ReinforcedManifest, type ReinforcedShard} from "./reinforcedFormat.js";
import {sceneSeed} from "./scene.js";
import type {Sources} from "./sources.js";

/** One training batch: the augmented views and the teacher embeddings of exactly those views. */
export interface ReinforcedBatch {
  readonly size: number;
  readonly seeds: Uint32Array;
  /** [size, S, S, 3]: each sample's scene with its chosen stored augmentation applied. */
  readonly images: ImageBatch;
  /** Which of the N stored augmentations each sample uses. */
  readonly augmentation: Int32Array;
  readonly captions: readonly string[];
  /** One synthetic caption per sample, drawn from its five (DataCompDR's "DR" variant uses it). */
  readonly syntheticCaptions: readonly string[];
  /** [size, D]: teacher image embedding of the view in `images`. */
  readonly imageEmb: Float32Array;
  /** [size, D]: teacher text embedding of `captions`. */
  readonly textEmb: Float32Array;
  /** [size, D]: teacher text embedding of `syntheticCaptions`. */
  readonly syntheticTextEmb: Float32Array;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Seeds the shard order, sample order, augmentation and synthetic-caption choices. */
  readonly seed?: number;
  /** Each epoch reshuffles and redraws augmentations. */
  readonly epoch?: number;
  /** Drop a last, smaller batch (default true: fixed shapes keep GPU buffer pools small). */
  readonly dropLast?: boolean;
  /**
   * Batches of whole identity groups (the default): batchSize must be a multiple of the set's
   * groupSize. False shuffles samples singly, giving ordinary batches of the same data.
   */
  readonly grouped?: boolean;
  /**
   * Batches at the epoch's start to pass over (a resumed run trained on them already): their
   * random choices are still made, so the batches after them are the ones an unbroken epoch gives.
   */
  readonly skip?: number;
}

/**
 * A reinforced set read through `read` (fetch in the browser, a file read in Node). Shards are
 * read one at a time, the next one prefetched while the current one is consumed, and checked as
 * they are read: a damaged shard fails with its name and the damaged field.
 */
export class ReinforcedSet {
  private constructor(
    readonly manifest: ReinforcedManifest,
    private readonly read: (file: string) => Promise<Uint8Array | ArrayBuffer>
  ) {}

  static async open(read: (file: string) => Promise<Uint8Array | ArrayBuffer>): Promise<ReinforcedSet> {
    const raw = await read(MANIFEST_FILE);
    let manifest: ReinforcedManifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw new Error(`reinforced manifest ${MANIFEST_FILE}: not valid JSON`);
    }
    return new ReinforcedSet(checkManifest(manifest, MANIFEST_FILE), read);
  }

  async readShard(index: number): Promise<ReinforcedShard> {
    const entry = this.manifest.shards[index];
    if (!entry) throw new Error(`readShard: index ${index} out of range (the set has ${this.manifest.shards.length} shards)`);
    return decodeShard(await this.read(entry.file), entry, this.manifest);
  }

  /** Streams shuffled batches for one epoch; sources must be the ones the set was written with. */
  async *batches(sources: Sources, options: BatchOptions): AsyncGenerator<ReinforcedBatch> {
    const {batchSize} = options;
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`batches: batchSize must be an integer ≥ 1, got ${batchSize}`);
    const m = this.manifest;
    const group = options.grouped === false ? 1 : m.groupSize;
    if (batchSize % group !== 0) throw new Error(`batches: batchSize must be a multiple of the set's groupSize ${group} for grouped batches, got ${batchSize}`);
    let skip = options.skip ?? 0;
    if (!(Number.isInteger(skip) && skip >= 0)) throw new Error(`batches: skip must be an integer ≥ 0, got ${skip}`);
    const rng = new Rng(sceneSeed(options.seed ?? 0, options.epoch ?? 0));
    const order = rng.shuffle(m.shards.map((_, i) => i));
    let pending: {shard: ReinforcedShard; sample: number}[] = [];
    // The next shard is read while this one is consumed. Its failure is marked handled here so
    // it cannot crash Node as an unhandled rejection; awaiting it below still throws the error.
    const prefetch = (k: number) => {
      const p = this.readShard(order[k]);
      p.catch(() => {});
      return p;
    };
    let next = order.length > 0 ? prefetch(0) : null;
    for (let k = 0; k < order.length; k++) {
      const shard = await next!;
      next = k + 1 < order.length ? prefetch(k + 1) : null;
      const units = rng.shuffle(Array.from({length: shard.samples / group}, (_, i) => i));
      for (const sample of units.flatMap((u) => Array.from({length: group}, (_, j) => u * group + j))) {
        pending.push({shard, sample});
        if (pending.length === batchSize) {
          if (skip > 0) {
            skip--;
            drawViews(pending.length, this.manifest, rng);
          } else yield this.assemble(sources, pending, rng);
          pending = [];
        }
      }
    }
    if (pending.length > 0 && options.dropLast === false) yield this.assemble(sources, pending, rng);
  }

  private assemble(sources: Sources, picks: readonly {shard: ReinforcedShard; sample: number}[], rng: Rng): ReinforcedBatch {
    const {augmentations: n, texts, embedDim: d, scene, groupSize} = this.manifest;
    const size = picks.length;
    const imageEmb = new Float32Array(size * d);
    const textEmb = new Float32Array(size * d);
    const syntheticTextEmb = new Float32Array(size * d);
    const augmentation = new Int32Array(size);
    const captions: string[] = [];
    const syntheticCaptions: string[] = [];
    const row = (from: Float32Array, r: number) => from.subarray(r * d, (r + 1) * d);
    const choices = drawViews(size, this.manifest, rng);
    const views = picks.map(({shard, sample}, b) => {
      const {view: k, synthetic: syn} = choices[b];
      augmentation[b] = k;
      captions.push(shard.captions[sample][0]);
      syntheticCaptions.push(shard.captions[sample][syn]);
      imageEmb.set(row(shard.imageEmb, sample * n + k), b * d);
      textEmb.set(row(shard.textEmb, sample * texts), b * d);
      syntheticTextEmb.set(row(shard.textEmb, sample * texts + syn), b * d);
      return applyAugmentation(renderSample(sources, sampleKey(shard, sample, groupSize), scene.size), shard.augmentations[sample][k]);
    });
    return {
      size,
      seeds: Uint32Array.from(picks, (p) => p.shard.seeds[p.sample]),
      images: stackImages(views),
      augmentation,
      captions,
      syntheticCaptions,
      imageEmb,
      textEmb,
      syntheticTextEmb
    };
  }
}

/**
 * Each sample's random choices for a batch: which stored augmentation it shows and which of its
 * synthetic captions goes with it. One place, so a batch passed over draws exactly what it would have.
 */
function drawViews(size: number, {augmentations, texts}: ReinforcedManifest, rng: Rng): {view: number; synthetic: number}[] {
  return Array.from({length: size}, () => {
    const view = rng.int(augmentations);
    return {view, synthetic: 1 + rng.int(texts - 1)};
  });
}
