/**
 * Where a distillation target row puts its probability: on the image's own caption, on captions
 * related to the image (in the lab, scenes that share an object class: what a teacher that knows
 * shapes should rate higher), and on the rest. The per-caption masses compare the two kinds of
 * negative fairly when a batch holds few related captions; their ratio is the shape signal a
 * target carries beyond the one-hot contrastive target.
 */
export interface TargetMass {
  /** Mean probability on the matching caption. */
  readonly diagonal: number;
  /** Mean total probability on related captions, and per related caption. */
  readonly related: number;
  readonly perRelated: number;
  /** The same for the other captions. */
  readonly other: number;
  readonly perOther: number;
  /** Fraction of the off-diagonal pairs that are related. */
  readonly relatedPairs: number;
}

/**
 * Splits row-stochastic `probs` ([size, size], row i over captions j) by `related(i, j)` (never
 * asked for i = j). Throws naming the argument when the shape or a row's sum is off.
 */
export function targetMass(probs: ArrayLike<number>, size: number, related: (i: number, j: number) => boolean): TargetMass {
  if (!(Number.isInteger(size) && size >= 2)) throw new Error(`targetMass: size must be an integer ≥ 2, got ${size}`);
  if (probs.length !== size * size) throw new Error(`targetMass: probs must hold size² = ${size * size} values, got ${probs.length}`);
  let [diagonal, rel, oth, nRel, nOth] = [0, 0, 0, 0, 0];
  for (let i = 0; i < size; i++) {
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const p = probs[i * size + j];
      sum += p;
      if (i === j) diagonal += p;
      else if (related(i, j)) (rel += p), nRel++;
      else (oth += p), nOth++;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new Error(`targetMass: probs row ${i} must sum to 1, got ${sum}`);
  }
  return {
    diagonal: diagonal / size,
    related: rel / size,
    perRelated: nRel > 0 ? rel / nRel : 0,
    other: oth / size,
    perOther: nOth > 0 ? oth / nOth : 0,
    relatedPairs: nRel / (nRel + nOth)
  };
}
