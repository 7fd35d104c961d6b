import type {BackgroundKind, ItemSize, Position} from "./scene.js";

/**
 * Every phrase captions and prompts are built from, besides class nouns (classes.ts) and
 * colour words (colours.ts). The vocabulary is read off these tables, so a phrase added here
 * is automatically known to the tokenizer. The first entry of each list is canonical.
 */
export const SIZE_WORDS: Readonly<Record<ItemSize, readonly string[]>> = {
  small: ["small", "little", "tiny"],
  large: ["large", "big"]
};

export const POSITION_PHRASES: Readonly<Record<Position, readonly string[]>> = {
  left: ["on the left", "at the left", "on the left side"],
  right: ["on the right", "at the right", "on the right side"],
  top: ["at the top", "near the top", "in the upper part"],
  bottom: ["at the bottom", "near the bottom", "in the lower part"],
  centre: ["in the centre", "in the middle", "at the centre"]
};

/** "X <relation> Y" for X at the keyed position and Y at the opposite one. */
export const RELATION_PHRASES: Readonly<Record<Exclude<Position, "centre">, string>> = {
  left: "to the left of",
  right: "to the right of",
  top: "above",
  bottom: "below"
};

export const BACKGROUND_WORDS: Readonly<Record<BackgroundKind, readonly string[]>> = {
  plain: ["plain", "flat"],
  gradient: ["gradient", "shaded"],
  noise: ["noisy", "grainy"]
};

/** Openings a caption or prompt may start with, before the first noun phrase. */
export const PREFIXES: readonly string[] = ["a photo of", "a picture of", "an image of", "two objects:"];

/** The remaining glue between phrases. */
export const GLUE = {
  and: "and",
  is: "is",
  background: (adjective: string) => `on a ${adjective} background`
} as const;

/** "a"/"an" before a phrase, by the sound of its first word ("an orange 8", "a one"). */
export function withArticle(phrase: string): string {
  return `${/^([aeio]|8|eight\b|11\b|18\b)/.test(phrase) ? "an" : "a"} ${phrase}`;
}
