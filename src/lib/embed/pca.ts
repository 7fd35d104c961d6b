/** Principal components of a set of rows, and the rows' coordinates along them. */
export interface Pca {
  readonly dim: number;
  /** [k, dim] row-major unit vectors, by decreasing variance. */
  readonly components: Float64Array;
  /** The variance along each component (the covariance's eigenvalues). */
  readonly variances: readonly number[];
  /** Each component's share of the total variance. */
  readonly explained: readonly number[];
  readonly mean: Float64Array;
  /** [count, k] row-major: the input rows, centred and projected. */
  readonly points: Float32Array;
}

/**
 * The top `k` principal components of `count` rows of width `dim` (row-major), from the exact
 * eigen-decomposition of their covariance (cyclic Jacobi: embeddings here are at most a few
 * hundred wide, and unlike power iteration it needs no gap between eigenvalues).
 *
 * Sign convention: each component's largest coordinate (by magnitude; the first of those within
 * 1e-9 of it) is positive, so the same data always gives the same picture. With `align` (an
 * earlier fit's components, [k, dim]) each component instead points the way its predecessor
 * did, so a live plot of changing data does not flip over between frames.
 */
export function pca(rows: ArrayLike<number>, count: number, dim: number, k = 2, {align}: {align?: ArrayLike<number>} = {}): Pca {
  if (!(Number.isInteger(count) && count >= 2)) throw new Error(`pca: count must be an integer ≥ 2, got ${count}`);
  if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`pca: dim must be an integer ≥ 1, got ${dim}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= dim)) throw new Error(`pca: k must be an integer in 1..dim (${dim}), got ${k}`);
  if (rows.length !== count * dim) throw new Error(`pca: rows has ${rows.length} values, expected count × dim = ${count} × ${dim}`);
  if (align && align.length !== k * dim) throw new Error(`pca: align has ${align.length} values, expected k × dim = ${k} × ${dim}`);
  for (let i = 0; i < rows.length; i++) {
    if (!Number.isFinite(rows[i])) throw new Error(`pca: rows[${i}] is ${rows[i]} (row ${Math.floor(i / dim)}); every value must be finite`);
  }

  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let j = 0; j < dim; j++) mean[j] += rows[r * dim + j] / count;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) centred[j] = rows[r * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const x = centred[a] / (count - 1);
      for (let b = a; b < dim; b++) cov[a * dim + b] += x * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];

  const {values, vectors} = symmetricEigen(cov, dim);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]).slice(0, k);
  const components = new Float64Array(k * dim);
  order.forEach((column, c) => {
    for (let j = 0; j < dim; j++) components[c * dim + j] = vectors[j * dim + column];
    fixSign(components.subarray(c * dim, (c + 1) * dim), align ? Array.from({length: dim}, (_, j) => align[c * dim + j]) : null);
  });
  const variances = order.map((c) => Math.max(values[c], 0));
  const result = {dim, components, variances, explained: variances.map((v) => (total > 0 ? v / total : 0)), mean};
  return {...result, points: project(result, rows, count)};
}

/** Coordinates of other rows (same width) along a fitted PCA's components. */
export function project(fit: Pick<Pca, "dim" | "components" | "mean">, rows: ArrayLike<number>, count: number): Float32Array {
  const {dim, components, mean} = fit;
  if (rows.length !== count * dim) throw new Error(`project: rows has ${rows.length} values, expected count × dim = ${count} × ${dim}`);
  const k = components.length / dim;
  const out = new Float32Array(count * k);
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (rows[r * dim + j] - mean[j]) * components[c * dim + j];
      out[r * k + c] = s;
    }
  }
  return out;
}

function fixSign(v: Float64Array, previous: number[] | null): void {
  let flip: boolean;
  if (previous) {
    flip = v.reduce((s, x, j) => s + x * previous[j], 0) < 0;
  } else {
    const largest = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    flip = v[v.findIndex((x) => Math.abs(x) >= largest - 1e-9)] < 0;
  }
  if (flip) for (let j = 0; j < v.length; j++) v[j] = -v[j];
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`, row-major n×n) of a symmetric matrix, by
 * cyclic Jacobi rotations: each rotation zeroes one off-diagonal pair, sweeps repeat until the
 * off-diagonal mass is negligible against the matrix's own.
 */
function symmetricEigen(matrix: Float64Array, n: number): {values: number[]; vectors: Float64Array} {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const scale = a.reduce((s, x) => s + x * x, 0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a_pq: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(tau * tau + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let i = 0; i < n; i++) {
          const ip = a[i * n + p];
          const iq = a[i * n + q];
          a[i * n + p] = c * ip - s * iq;
          a[i * n + q] = s * ip + c * iq;
        }
        for (let i = 0; i < n; i++) {
          const pi = a[p * n + i];
          const qi = a[q * n + i];
          a[p * n + i] = c * pi - s * qi;
          a[q * n + i] = s * pi + c * qi;
        }
        for (let i = 0; i < n; i++) {
          const ip = v[i * n + p];
          const iq = v[i * n + q];
          v[i * n + p] = c * ip - s * iq;
          v[i * n + q] = s * ip + c * iq;
        }
      }
    }
  }
  return {values: Array.from({length: n}, (_, i) => a[i * n + i]), vectors: v};
}
