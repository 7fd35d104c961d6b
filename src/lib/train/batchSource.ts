import {Rng} from "../random/rng.js";
import {applyAugmentation, sampleAugmentation} from "../data/augmentation.js";
import {groundTruthCaption, syntheticCaptions} from "../data/captions.js";
import {stackImages, type ImageBatch} from "../data/image.js";
import {renderScene} from "../data/render.js";
import {identityVariants, sampleScene, sceneSeed} from "../data/scene.js";
import type {ReinforcedBatch, ReinforcedSet} from "../data/reinforcedLoader.js";
import type {Sources} from "../data/sources.js";
import type {TrainSettings} from "./settings.js";

/** What one training step consumes. Teacher rows are the teachers' embeddings side by side. */
export interface TrainBatch {
  readonly images: ImageBatch;
  readonly captions: readonly string[];
  readonly syntheticCaptions: readonly string[];
  /** Absent for sources without teachers (teacher training itself): the loss is then CLIP's alone. */
  readonly teacher?: {
    /** [size, Σ teacherDims] each. */
    readonly image: Float32Array;
    readonly text: Float32Array;
    readonly syntheticText: Float32Array;
  };
}

export interface BatchSource {
  /** Width of each teacher's slice of a teacher row; empty when the source has no teachers. */
  readonly teacherDims: readonly number[];
  /** Each teacher's own learned logit scale, where known (the default distillation scale). */
  readonly teacherScales: readonly number[];
  next(): Promise<TrainBatch>;
  /** Frees what the source holds beyond memory (a worker drawing ahead); the trainer calls it when it lets the source go. */
  dispose?(): void;
}

/** How many batches a source is to pass over (a resumed run's step), checked before any is drawn. */
export function checkDrawn(source: string, drawn: number): void {
  if (!(Number.isInteger(drawn) && drawn >= 0)) throw new Error(`${source}: drawn must be an integer ≥ 0, got ${drawn}`);
}

/** Which batches of a reinforced set a run draws. */
export type ReinforcedSourceSettings = Pick<TrainSettings, "batchSize" | "seed" | "groupedBatches">;

/**
 * Endless batches from a reinforced set: epoch after epoch, each reshuffled with its own seed,
 * the stored augmentation and its teacher embedding always travelling together. `drawn` batches
 * are passed over first (a resumed run's), so the stream goes on exactly where that run left it.
 */
export function reinforcedSource(set: ReinforcedSet, sources: Sources, settings: ReinforcedSourceSettings, drawn = 0): BatchSource {
  const {batchSize, seed, groupedBatches: grouped} = settings;
  const teachers = reinforcedTeachers(set, settings);
  checkDrawn("reinforcedSource", drawn);
  // Every epoch yields the same number of full batches (the last, smaller one is dropped).
  const perEpoch = Math.floor(set.manifest.samples / batchSize);
  let epoch = perEpoch > 0 ? Math.floor(drawn / perEpoch) : 0;
  let batches: AsyncGenerator<ReinforcedBatch> = set.batches(sources, {batchSize, seed, epoch, grouped, skip: perEpoch > 0 ? drawn % perEpoch : 0});
  return {
    ...teachers,
    async next() {
      let result = await batches.next();
      if (result.done) {
        batches = set.batches(sources, {batchSize, seed, epoch: ++epoch, grouped});
        result = await batches.next();
        if (result.done) throw new Error(`reinforced set has fewer than batchSize=${batchSize} samples`);
      }
      const b = result.value;
      return {
        images: b.images,
        captions: b.captions,
        syntheticCaptions: b.syntheticCaptions,
        teacher: {image: b.imageEmb, text: b.textEmb, syntheticText: b.syntheticTextEmb}
      };
    }
  };
}

/**
 * The teachers a reinforced source of these settings carries, once the settings are checked
 * against the set: checked when the run is built, so a bad batch size never replaces a working run.
 */
export function reinforcedTeachers(set: ReinforcedSet, {batchSize, groupedBatches}: ReinforcedSourceSettings): Pick<BatchSource, "teacherDims" | "teacherScales"> {
  const {groupSize, teachers} = set.manifest;
  if (groupedBatches && batchSize % groupSize !== 0) {
    throw new Error(`settings.batchSize: ${batchSize} is not a multiple of the reinforced set's identity groups (${groupSize} samples); grouped batches need one, or turn groupedBatches off`);
  }
  return {
    teacherDims: teachers.map((t) => t.dim),
    teacherScales: teachers.flatMap((t) => (t.logitScale === undefined ? [] : [t.logitScale]))
  };
}

/**
 * An endless stream of fresh scenes from the train split, each with a newly drawn augmentation
 * and, half the time, one of its synthetic captions in place of the ground truth: what the
 * teachers learn from. It has no teachers, so the trainer optimises CLIP's loss alone.
 *
 * With `identityGroup` = k > 1 the batch is made of groups of k scenes that share everything
 * but their items' classes (identityVariants): inside a group only the object tells captions
 * apart. Without it a small CLIP separates a batch by colour, size and position and never
 * learns what a 7 looks like (measured: zero-shot digits at chance after 600 steps).
 * `drawn` batches are passed over first, their random choices made but nothing rendered.
 */
export function sceneStreamSource(
  sources: Sources,
  {batchSize, seed, size = 64, identityGroup = 1, drawn = 0}: {batchSize: number; seed: number; size?: number; identityGroup?: number; drawn?: number}
): BatchSource {
  if (!(Number.isInteger(identityGroup) && identityGroup >= 1 && batchSize % identityGroup === 0)) {
    throw new Error(`sceneStreamSource: identityGroup must be a positive integer dividing batchSize=${batchSize}, got ${identityGroup}`);
  }
  checkDrawn("sceneStreamSource", drawn);
  const rng = new Rng(seed);
  let scenes = 0;
  const draw = (render: boolean) => {
    const images = [];
    const captions: string[] = [];
    const synthetic: string[] = [];
    for (let g = 0; g < batchSize / identityGroup; g++) {
      const base = sampleScene(sceneSeed(seed, scenes++), sources, "train");
      for (const scene of identityGroup === 1 ? [base] : identityVariants(base, sources, identityGroup, rng)) {
        const augmentation = sampleAugmentation(rng);
        if (render) images.push(applyAugmentation(renderScene(scene, sources, size), augmentation));
        const other = rng.pick(syntheticCaptions(scene));
        captions.push(rng.next() < 0.5 ? groundTruthCaption(scene) : other);
        synthetic.push(other);
      }
    }
    return {images, captions, syntheticCaptions: synthetic};
  };
  for (let i = 0; i < drawn; i++) draw(false);
  return {
    teacherDims: [],
    teacherScales: [],
    async next() {
      const {images, captions, syntheticCaptions} = draw(true);
      return {images: stackImages(images), captions, syntheticCaptions};
    }
  };
}
