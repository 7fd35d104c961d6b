import {UMAP} from "umap-js";
import {Rng} from "../random/rng.js";

export interface UmapOptions {
  /** Seeds every random choice umap-js makes (neighbour search, initial layout, sampling). */
  readonly seed: number;
  /** Neighbours per point (umap-js's default 15); capped at count − 1. */
  readonly nNeighbors?: number;
  readonly minDist?: number;
  /** Optimisation epochs (umap-js picks 500 for small sets). */
  readonly nEpochs?: number;
}

/**
 * A 2-D UMAP layout of `count` rows of width `dim` (row-major), [count, 2] row-major. umap-js
 * draws from Math.random unless given `random`; it gets a seeded Rng here, so a seed repeats the
 * layout exactly. Synchronous and seconds long for a few hundred points: call it off the main
 * thread (the training worker does).
 */
export function umapLayout(rows: ArrayLike<number>, count: number, dim: number, options: UmapOptions): Float32Array {
  if (!(Number.isInteger(count) && count >= 3)) throw new Error(`umapLayout: count must be an integer ≥ 3, got ${count}`);
  if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`umapLayout: dim must be an integer ≥ 1, got ${dim}`);
  if (rows.length !== count * dim) throw new Error(`umapLayout: rows has ${rows.length} values, expected count × dim = ${count} × ${dim}`);
  if (!Number.isFinite(options.seed)) throw new Error(`umapLayout: options.seed must be a finite number, got ${options.seed}`);
  const nNeighbors = Math.min(options.nNeighbors ?? 15, count - 1);
  if (!(Number.isInteger(nNeighbors) && nNeighbors >= 2)) throw new Error(`umapLayout: options.nNeighbors must be an integer ≥ 2, got ${options.nNeighbors}`);
  const vectors = Array.from({length: count}, (_, r) => {
    const row = Array.from({length: dim}, (_, j) => rows[r * dim + j]);
    if (!row.every(Number.isFinite)) throw new Error(`umapLayout: row ${r} holds a non-finite value`);
    return row;
  });
  const rng = new Rng(options.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    nEpochs: options.nEpochs,
    random: () => rng.next()
  });
  return Float32Array.from(umap.fit(vectors).flat());
}
