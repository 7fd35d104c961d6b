import {applyAugmentation} from "../data/augmentation.js";
import {stackImages, type ImageBatch, type RgbImage} from "../data/image.js";
import {sampleKey, storedScene, type TeacherInfo} from "../data/reinforcedFormat.js";
import type {ReinforcedSet} from "../data/reinforcedLoader.js";
import {renderScene} from "../data/render.js";
import type {Sources} from "../data/sources.js";

/**
 * A fixed set of scenes whose embeddings the notebook draws: the first one-item scenes of the
 * reinforced set, in shard order. One item per scene, so each scene has exactly one class and
 * its caption names exactly that object (two-item scenes would need two colours per point).
 */
export interface ProbeSet {
  readonly count: number;
  readonly seeds: Uint32Array;
  /** The scene's item's class (0–9 digits, 10–19 clothing: data/classes.ts). */
  readonly classIds: Int32Array;
  /** Ground-truth captions. */
  readonly captions: readonly string[];
  /** [count, S, S, 3]: each scene under its first stored augmentation, the view its stored teacher embedding describes. */
  readonly images: ImageBatch;
  /** [count, D]: the teachers' stored embeddings of those views, per-teacher slices side by side. */
  readonly teacherImage: Float32Array;
  /** [count, D]: the teachers' stored embeddings of the ground-truth captions. */
  readonly teacherText: Float32Array;
  readonly teachers: readonly TeacherInfo[];
}

/** Reads shards in order until it has `count` one-item scenes; fails naming count if the set has fewer. */
export async function loadProbeSet(set: ReinforcedSet, sources: Sources, count: number): Promise<ProbeSet> {
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`loadProbeSet: count must be an integer ≥ 1, got ${count}`);
  const m = set.manifest;
  const d = m.embedDim;
  const seeds: number[] = [];
  const classIds: number[] = [];
  const captions: string[] = [];
  const images: RgbImage[] = [];
  const teacherImage = new Float32Array(count * d);
  const teacherText = new Float32Array(count * d);
  for (let s = 0; s < m.shards.length && seeds.length < count; s++) {
    const shard = await set.readShard(s);
    for (let i = 0; i < shard.samples && seeds.length < count; i++) {
      const scene = storedScene(sources, sampleKey(shard, i, m.groupSize));
      if (scene.items.length !== 1) continue;
      const row = seeds.length;
      teacherImage.set(shard.imageEmb.subarray(i * m.augmentations * d, (i * m.augmentations + 1) * d), row * d);
      teacherText.set(shard.textEmb.subarray(i * m.texts * d, (i * m.texts + 1) * d), row * d);
      seeds.push(shard.seeds[i]);
      classIds.push(scene.items[0].classId);
      captions.push(shard.captions[i][0]);
      images.push(applyAugmentation(renderScene(scene, sources, m.scene.size), shard.augmentations[i][0]));
    }
  }
  if (seeds.length < count) throw new Error(`loadProbeSet: count is ${count}, but the reinforced set has only ${seeds.length} one-item scenes`);
  return {
    count,
    seeds: Uint32Array.from(seeds),
    classIds: Int32Array.from(classIds),
    captions,
    images: stackImages(images),
    teacherImage,
    teacherText,
    teachers: m.teachers
  };
}
