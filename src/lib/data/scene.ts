import {Rng} from "../random/rng.js";
import {CLASSES, objectClass} from "./classes.js";
import {hsv, ITEM_COLOURS, type Rgb} from "./colours.js";
import type {SplitName} from "./sourceSet.js";
import {classIndices, type Sources} from "./sources.js";

/**
 * Version of the scene generator (sampleScene + rendering). Reinforced shards store seeds, not
 * pixels, so any change that alters the pixels of a seed must bump this; loaders refuse shards
 * written by another version.
 */
export const SCENE_GENERATOR_VERSION = 1;

export type Position = "left" | "right" | "top" | "bottom" | "centre";
export const POSITIONS: readonly Position[] = ["left", "right", "top", "bottom", "centre"];
export type ItemSize = "small" | "large";
export const ITEM_SIZES: readonly ItemSize[] = ["small", "large"];

export type Background =
  | {kind: "plain"; colour: Rgb}
  | {kind: "gradient"; from: Rgb; to: Rgb; /** direction of the gradient, radians */ angle: number}
  | {kind: "noise"; colour: Rgb; amplitude: number; seed: number};
export type BackgroundKind = Background["kind"];
export const BACKGROUND_KINDS: readonly BackgroundKind[] = ["plain", "gradient", "noise"];

export interface SceneItem {
  /** 0–9 digits, 10–19 clothing (see CLASSES). */
  readonly classId: number;
  /** Glyph index inside the item's source split. */
  readonly index: number;
  /** Name of one of ITEM_COLOURS. */
  readonly colour: string;
  readonly size: ItemSize;
  readonly position: Position;
  /** Small displacement of the item's centre, as fractions of the image side. */
  readonly offset: readonly [number, number];
}

/** Everything needed to draw a scene and caption it; a pure function of (seed, split, options). */
export interface Scene {
  readonly seed: number;
  readonly split: SplitName;
  readonly background: Background;
  readonly items: readonly SceneItem[];
}

export interface SceneOptions {
  /** How many items; by default one or two with equal odds. */
  readonly itemCount?: 1 | 2;
  /** Fixes the items' identities (and so their count) instead of drawing them. */
  readonly identities?: readonly {classId: number; index: number}[];
}

/** Pairs of positions two items take, so they never overlap. */
const PAIRS: readonly (readonly [Position, Position])[] = [
  ["left", "right"],
  ["top", "bottom"]
];

// How far an item may drift from its position's anchor: a large item fills half the image,
// so it has almost no room; a small one can move about without leaving its half.
const OFFSET: Record<ItemSize, number> = {small: 0.06, large: 0.02};

/** Backgrounds stay dark and desaturated so that every item colour, white included, stands out. */
function backgroundColour(rng: Rng): Rgb {
  return hsv(rng.next(), rng.uniform(0, 0.35), rng.uniform(0.08, 0.45));
}

function sampleBackground(rng: Rng): Background {
  const kind = rng.pick(BACKGROUND_KINDS);
  if (kind === "plain") return {kind, colour: backgroundColour(rng)};
  if (kind === "gradient") return {kind, from: backgroundColour(rng), to: backgroundColour(rng), angle: rng.uniform(0, 2 * Math.PI)};
  return {kind, colour: backgroundColour(rng), amplitude: rng.uniform(0.05, 0.15), seed: rng.int(2 ** 32)};
}

/**
 * A random scene whose items come from `split` of the sources: one or two items, each tinted
 * one of the eight item colours, small or large, at left/right/top/bottom/centre (two items
 * take left+right or top+bottom), over a plain, gradient or noise background.
 */
export function sampleScene(seed: number, sources: Sources, split: SplitName, options: SceneOptions = {}): Scene {
  const rng = new Rng(seed);
  const background = sampleBackground(rng.fork());
  const count = options.identities?.length ?? options.itemCount ?? (rng.next() < 0.5 ? 1 : 2);
  if (count !== 1 && count !== 2) throw new Error(`sampleScene: a scene has 1 or 2 items, got ${count}`);
  const positions: readonly Position[] = count === 1 ? [rng.pick(POSITIONS)] : rng.shuffle([...rng.pick(PAIRS)]);
  const items = positions.map((position, k): SceneItem => {
    const identity = options.identities?.[k];
    const classId = identity ? objectClass(identity.classId).id : rng.int(CLASSES.length);
    const index = identity?.index ?? rng.pick(classIndices(sources, split, classId));
    const size = rng.pick(ITEM_SIZES);
    const drift = OFFSET[size];
    return {
      classId,
      index,
      colour: rng.pick(ITEM_COLOURS).name,
      size,
      position,
      offset: [rng.uniform(-drift, drift), rng.uniform(-drift, drift)]
    };
  });
  return {seed, split, background, items};
}

/**
 * The seed of scene `i` of a collection seeded by `base`: a hash, so neighbouring scenes of
 * one collection and the same index in collections with neighbouring bases are unrelated.
 */
export function sceneSeed(base: number, i: number): number {
  let h = Math.imul((base >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i >>> 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * `count` copies of `scene` that differ only in what their items are: same background, colours,
 * sizes, positions and offsets, and in each item slot `count` different classes (the first copy
 * keeps the scene's own). A batch made of such groups can only be told apart by shape, which is
 * what zero-shot classification needs and what colour and position otherwise let a model skip.
 * Copies keep the scene's seed, so they are not redrawn by sampleScene.
 */
export function identityVariants(scene: Scene, sources: Sources, count: number, rng: Rng): Scene[] {
  if (!(Number.isInteger(count) && count >= 1 && count <= CLASSES.length)) {
    throw new Error(`identityVariants: count must be an integer in 1..${CLASSES.length}, got ${count}`);
  }
  const slots = scene.items.map((item) => [item.classId, ...rng.shuffle(CLASSES.map((c) => c.id).filter((id) => id !== item.classId))]);
  return Array.from({length: count}, (_, k) => ({
    ...scene,
    items: scene.items.map((item, j) => {
      const classId = slots[j][k];
      return k === 0 ? item : {...item, classId, index: rng.pick(classIndices(sources, scene.split, classId))};
    })
  }));
}
