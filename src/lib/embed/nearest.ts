import type {Slice} from "./slices.js";

export interface Hit {
  readonly index: number;
  readonly score: number;
}

/**
 * For each of `count` rows (row-major, as wide as `query`), the cosine between the query and the
 * row within each slice, averaged over the slices: with one slice per teacher, the teachers'
 * scores averaged, as distillation averages them. A zero-length part scores 0.
 */
export function meanSliceCosine(query: ArrayLike<number>, rows: ArrayLike<number>, count: number, slices: readonly Slice[]): Float32Array {
  const width = query.length;
  if (rows.length !== count * width) throw new Error(`meanSliceCosine: rows has ${rows.length} values, expected count × query.length = ${count} × ${width}`);
  if (slices.length === 0) throw new Error("meanSliceCosine: slices must not be empty");
  for (const s of slices) {
    if (!(Number.isInteger(s.offset) && s.offset >= 0 && Number.isInteger(s.width) && s.width >= 1 && s.offset + s.width <= width)) {
      throw new Error(`meanSliceCosine: slice {offset: ${s.offset}, width: ${s.width}} does not fit in rows of width ${width}`);
    }
  }
  const scores = new Float32Array(count);
  for (const {offset, width: w} of slices) {
    let queryNorm = 0;
    for (let j = offset; j < offset + w; j++) queryNorm += query[j] * query[j];
    for (let r = 0; r < count; r++) {
      let dot = 0;
      let norm = 0;
      for (let j = offset; j < offset + w; j++) {
        const x = rows[r * width + j];
        dot += query[j] * x;
        norm += x * x;
      }
      const denominator = Math.sqrt(queryNorm * norm);
      scores[r] += (denominator > 0 ? dot / denominator : 0) / slices.length;
    }
  }
  return scores;
}

/** The `k` highest scores, best first; equal scores keep index order. Fewer when there are fewer. */
export function topK(scores: ArrayLike<number>, k: number): Hit[] {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`topK: k must be an integer ≥ 1, got ${k}`);
  const hits = Array.from(scores, (score, index) => {
    if (Number.isNaN(score)) throw new Error(`topK: scores[${index}] is NaN`);
    return {index, score};
  });
  return hits.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}
