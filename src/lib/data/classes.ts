import type {SourceName} from "./sources.js";

/**
 * The 20 object classes a scene item can be: the ten digits (ids 0–9) then the ten
 * Fashion-MNIST classes (ids 10–19). `nouns` are interchangeable names for exactly this class
 * (the first is canonical: ground-truth captions and zero-shot prompts use it); `kinds` are
 * vaguer words that also fit other classes, which partial captions use.
 */
export interface ObjectClass {
  readonly id: number;
  readonly source: SourceName;
  /** Label inside the source set. */
  readonly label: number;
  readonly nouns: readonly string[];
  readonly kinds: readonly string[];
}

const DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

const CLOTHING = ["piece of clothing", "garment"];
const FOOTWEAR = ["shoe", "piece of footwear"];

// Fashion-MNIST's label order: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
// Sneaker, Bag, Ankle boot. "top" is avoided as a noun: it is also a position word.
const FASHION: {nouns: string[]; kinds: string[]}[] = [
  {nouns: ["t-shirt", "tee"], kinds: CLOTHING},
  {nouns: ["pair of trousers", "pair of pants"], kinds: CLOTHING},
  {nouns: ["pullover", "sweater", "jumper"], kinds: CLOTHING},
  {nouns: ["dress", "frock"], kinds: CLOTHING},
  {nouns: ["coat", "jacket"], kinds: CLOTHING},
  {nouns: ["sandal"], kinds: FOOTWEAR},
  {nouns: ["shirt", "blouse"], kinds: CLOTHING},
  {nouns: ["sneaker", "shoe", "trainer"], kinds: FOOTWEAR},
  {nouns: ["bag", "handbag", "purse"], kinds: ["accessory"]},
  {nouns: ["ankle boot", "boot"], kinds: FOOTWEAR}
];

export const FASHION_CLASS_NAMES = FASHION.map((c) => c.nouns[0]);

export const CLASSES: readonly ObjectClass[] = [
  ...DIGIT_WORDS.map((word, d) => ({
    id: d,
    source: "digits" as const,
    label: d,
    nouns: [`${d}`, word, `digit ${d}`, `number ${d}`, `number ${word}`],
    kinds: ["digit", "number"]
  })),
  ...FASHION.map((c, label) => ({id: 10 + label, source: "fashion" as const, label, nouns: c.nouns, kinds: c.kinds}))
];

export const DIGIT_CLASS_IDS = CLASSES.filter((c) => c.source === "digits").map((c) => c.id);
export const FASHION_CLASS_IDS = CLASSES.filter((c) => c.source === "fashion").map((c) => c.id);

/** The canonical name of a class ("7", "sneaker", "ankle boot"). */
export function className(classId: number): string {
  return objectClass(classId).nouns[0];
}

export function objectClass(classId: number): ObjectClass {
  const c = CLASSES[classId];
  if (!c) throw new Error(`classId must be an integer in 0..${CLASSES.length - 1}, got ${classId}`);
  return c;
}
