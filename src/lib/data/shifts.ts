import {Rng} from "../random/rng.js";
import {UNSEEN_COLOURS} from "./colours.js";
import type {Layout} from "./layout.js";

/** The lab's "IN-shift": ways to draw the same scene that training never shows. */
export type ShiftKind = "sketch" | "inverted" | "noisy" | "rotated" | "unseen-colours";
export const SHIFT_KINDS: readonly ShiftKind[] = ["sketch", "inverted", "noisy", "rotated", "unseen-colours"];

const PAPER = [0.96, 0.95, 0.92] as const;
const PENCIL = [0.12, 0.12, 0.14] as const;

/**
 * The layout drawn under a distribution shift, keeping what it shows (so a classifier's label
 * stays true):
 * - sketch: dark outlines of each item on plain paper, no colour (like ImageNet-Sketch);
 * - inverted: every value v becomes 1 − v;
 * - noisy: strong Gaussian pixel noise (σ = 0.2);
 * - rotated: each item turned 25–50° either way (never far enough to turn a 6 into a 9);
 * - unseen-colours: items tinted with colours no training scene uses.
 */
export function shiftLayout(layout: Layout, kind: ShiftKind, seed: number): Layout {
  const rng = new Rng(seed);
  switch (kind) {
    case "sketch":
      return {...layout, background: {kind: "plain", colour: PAPER}, glyphs: layout.glyphs.map((g) => ({...g, outline: true, rgb: PENCIL}))};
    case "inverted":
      return {...layout, invert: true};
    case "noisy":
      return {...layout, noise: 0.2, noiseSeed: rng.int(2 ** 32)};
    case "rotated":
      return {...layout, glyphs: layout.glyphs.map((g) => ({...g, rotation: (rng.next() < 0.5 ? -1 : 1) * rng.uniform(25, 50) * (Math.PI / 180)}))};
    case "unseen-colours":
      return {...layout, glyphs: layout.glyphs.map((g) => ({...g, rgb: rng.pick(UNSEEN_COLOURS).rgb}))};
    default:
      throw new Error(`shiftLayout: kind must be one of ${SHIFT_KINDS.join(", ")}, got "${kind as string}"`);
  }
}
