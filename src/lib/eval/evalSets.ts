import {Rng} from "../random/rng.js";
import {DIGIT_CLASS_IDS} from "../data/classes.js";
import {groundTruthCaption} from "../data/captions.js";
import {ITEM_COLOURS} from "../data/colours.js";
import {sceneLayout, type Glyph, type Layout} from "../data/layout.js";
import {sampleScene, sceneSeed} from "../data/scene.js";
import {shiftLayout, type ShiftKind} from "../data/shifts.js";
import {classIndices, type Sources} from "../data/sources.js";

/**
 * The evaluation images, built only from the sources' held-out test split. Sets are layouts
 * (resolution-free) so one set can be drawn at 64 px and at 256 px.
 */
export interface LabelledSet {
  readonly layouts: readonly Layout[];
  /** Index into `classIds` of each image's true class. */
  readonly labels: Int32Array;
  /** The classes competing in this set (0–9 digits, 10–19 clothing). */
  readonly classIds: readonly number[];
}

export interface CaptionedSet {
  readonly layouts: readonly Layout[];
  /** captions[i] describes layouts[i] and no other image of the set. */
  readonly captions: readonly string[];
}

/**
 * `count` single-item scenes, classes in turn (balanced), each item a different test glyph
 * while the class has unused ones, in random colour, size, position and background.
 */
export function classificationSet(sources: Sources, classIds: readonly number[], count: number, seed: number): LabelledSet {
  const rng = new Rng(seed);
  const pools = classIds.map((id) => rng.shuffle([...classIndices(sources, "test", id)]));
  const labels = Int32Array.from({length: count}, (_, i) => i % classIds.length);
  const layouts = Array.from(labels, (label, i) => {
    const pool = pools[label];
    const index = pool[Math.floor(i / classIds.length) % pool.length];
    return sceneLayout(sampleScene(sceneSeed(seed, i), sources, "test", {identities: [{classId: classIds[label], index}]}));
  });
  return {layouts, labels, classIds};
}

/** The same images under a distribution shift (paired with the unshifted set). */
export function shiftedSet(set: LabelledSet, kind: ShiftKind, seed: number): LabelledSet {
  return {...set, layouts: set.layouts.map((layout, i) => shiftLayout(layout, kind, sceneSeed(seed, i)))};
}

/**
 * The lab's SVHN: a strip of 3 or 5 touching digits in one colour across the middle of a noisy
 * image, the outer ones cut by the border as in SVHN's crops; the label is the centre digit.
 */
export function digitStripSet(sources: Sources, count: number, seed: number): LabelledSet {
  const labels = Int32Array.from({length: count}, (_, i) => i % DIGIT_CLASS_IDS.length);
  const layouts = Array.from(labels, (label, i): Layout => {
    const rng = new Rng(sceneSeed(seed, i));
    const digits = rng.next() < 0.5 ? 3 : 5;
    const rgb = rng.pick(ITEM_COLOURS).rgb;
    const cy = 0.5 + rng.uniform(-0.05, 0.05);
    const extent = rng.uniform(0.46, 0.54);
    // MNIST ink fills about 60% of its box: at this spacing neighbours nearly touch, as in SVHN.
    const spacing = extent * rng.uniform(0.6, 0.7);
    const glyphs = Array.from({length: digits}, (_, k): Glyph => {
      const slot = k - (digits - 1) / 2;
      const classId = slot === 0 ? DIGIT_CLASS_IDS[label] : rng.pick(DIGIT_CLASS_IDS);
      const index = rng.pick(classIndices(sources, "test", classId));
      return {classId, split: "test", index, rgb, cx: 0.5 + slot * spacing + rng.uniform(-0.01, 0.01), cy, extent, rotation: 0, outline: false};
    });
    const background = sampleScene(rng.int(2 ** 32), sources, "test").background;
    return {background, glyphs, noise: 0.12, noiseSeed: rng.int(2 ** 32), invert: false};
  });
  return {layouts, labels, classIds: DIGIT_CLASS_IDS};
}

/**
 * The lab's Flickr/COCO: `count` held-out scenes (one or two items) with their ground-truth
 * captions, all different, so each caption has exactly one right image.
 */
export function retrievalSet(sources: Sources, count: number, seed: number): CaptionedSet {
  const layouts: Layout[] = [];
  const captions: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; layouts.length < count; i++) {
    if (i > 20 * count) throw new Error(`retrievalSet: cannot find ${count} scenes with distinct captions`);
    const scene = sampleScene(sceneSeed(seed, i), sources, "test");
    const caption = groundTruthCaption(scene);
    if (taken.has(caption)) continue;
    taken.add(caption);
    layouts.push(sceneLayout(scene));
    captions.push(caption);
  }
  return {layouts, captions};
}
