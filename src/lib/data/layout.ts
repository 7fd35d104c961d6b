import {colourByName, type Rgb} from "./colours.js";
import type {Background, ItemSize, Position, Scene} from "./scene.js";
import type {SplitName} from "./sourceSet.js";

/** One glyph to draw: which source glyph, its tint and its placement in image fractions. */
export interface Glyph {
  readonly classId: number;
  readonly split: SplitName;
  readonly index: number;
  readonly rgb: Rgb;
  /** Centre, as fractions of the image side (0 = left/top). */
  readonly cx: number;
  readonly cy: number;
  /** Side of the glyph's square, as a fraction of the image side. */
  readonly extent: number;
  /** Clockwise rotation in radians. */
  readonly rotation: number;
  /** Draw the glyph's edges only (a sketch) instead of its filled shape. */
  readonly outline: boolean;
}

/**
 * What the renderer draws, independent of resolution: a background, glyphs in drawing order,
 * then whole-image effects. Scenes become layouts; evaluation shifts edit layouts.
 */
export interface Layout {
  readonly background: Background;
  readonly glyphs: readonly Glyph[];
  /** Standard deviation of Gaussian noise added to every channel after drawing (0 = none). */
  readonly noise: number;
  readonly noiseSeed: number;
  /** Replace every value v by 1 − v at the end. */
  readonly invert: boolean;
}

/** Where each position puts an item's centre (x, y as fractions of the side). */
export const ANCHORS: Readonly<Record<Position, readonly [number, number]>> = {
  left: [0.25, 0.5],
  right: [0.75, 0.5],
  top: [0.5, 0.25],
  bottom: [0.5, 0.75],
  centre: [0.5, 0.5]
};

/** Side of an item's glyph square: a large item fills half the image. */
export const EXTENTS: Readonly<Record<ItemSize, number>> = {small: 0.28, large: 0.46};

export function sceneLayout(scene: Scene): Layout {
  return {
    background: scene.background,
    glyphs: scene.items.map((item) => ({
      classId: item.classId,
      split: scene.split,
      index: item.index,
      rgb: colourByName(item.colour).rgb,
      cx: ANCHORS[item.position][0] + item.offset[0],
      cy: ANCHORS[item.position][1] + item.offset[1],
      extent: EXTENTS[item.size],
      rotation: 0,
      outline: false
    })),
    noise: 0,
    noiseSeed: 0,
    invert: false
  };
}
