export type Rgb = readonly [number, number, number];

export interface NamedColour {
  /** Canonical word (ground-truth captions use it). */
  readonly name: string;
  /** Every word a caption may use for it, canonical first. */
  readonly words: readonly string[];
  readonly rgb: Rgb;
}

/** The eight tints scene items take in training and in the standard evaluation sets. */
export const ITEM_COLOURS: readonly NamedColour[] = [
  {name: "red", words: ["red"], rgb: [0.9, 0.1, 0.1]},
  {name: "orange", words: ["orange"], rgb: [1, 0.55, 0]},
  {name: "yellow", words: ["yellow"], rgb: [1, 0.92, 0.1]},
  {name: "green", words: ["green"], rgb: [0.1, 0.8, 0.2]},
  {name: "blue", words: ["blue"], rgb: [0.15, 0.35, 1]},
  {name: "purple", words: ["purple", "violet"], rgb: [0.62, 0.2, 0.88]},
  {name: "pink", words: ["pink"], rgb: [1, 0.5, 0.78]},
  {name: "white", words: ["white"], rgb: [1, 1, 1]}
];

/**
 * Tints no training scene uses, for the "unseen colours" distribution shift. They are never
 * written in captions or prompts, so they are not part of the vocabulary.
 */
export const UNSEEN_COLOURS: readonly NamedColour[] = [
  {name: "brown", words: ["brown"], rgb: [0.55, 0.3, 0.1]},
  {name: "teal", words: ["teal"], rgb: [0, 0.55, 0.55]},
  {name: "grey", words: ["grey"], rgb: [0.55, 0.55, 0.55]},
  {name: "olive", words: ["olive"], rgb: [0.5, 0.5, 0]}
];

export function colourByName(name: string): NamedColour {
  const c = ITEM_COLOURS.find((x) => x.name === name) ?? UNSEEN_COLOURS.find((x) => x.name === name);
  if (!c) throw new Error(`colour "${name}" is not one of ${[...ITEM_COLOURS, ...UNSEEN_COLOURS].map((x) => x.name).join(", ")}`);
  return c;
}

/** HSV (all in [0, 1]) to RGB. */
export function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}
