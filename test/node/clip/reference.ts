// Float64 references for the CLIP model pieces, written with plain loops from the definitions.

/** Row-major [rows, cols] as nested arrays. */
export type Matrix = number[][];

export function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const t = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / t);
}

/**
 * Multi-head self-attention for one sequence x [l, w]: q|k|v = x·W_in + b_in (columns split in
 * three), per head softmax(q kᵀ/√dh) v (masked above the diagonal if causal), heads concatenated,
 * then ·W_out + b_out. Weights are [in, out] as in Linear.
 */
export function attentionReference(
  x: Matrix,
  wIn: Matrix,
  bIn: number[],
  wOut: Matrix,
  bOut: number[],
  heads: number,
  causal: boolean
): Matrix {
  const l = x.length;
  const w = x[0].length;
  const dh = w / heads;
  const qkv = matmul(x, wIn).map((row) => row.map((v, j) => v + bIn[j]));
  const merged: Matrix = Array.from({length: l}, () => new Array<number>(w).fill(0));
  for (let h = 0; h < heads; h++) {
    const col = (part: number, i: number, d: number) => qkv[i][part * w + h * dh + d];
    for (let i = 0; i < l; i++) {
      const scores = Array.from({length: l}, (_, j) => {
        if (causal && j > i) return -Infinity;
        let s = 0;
        for (let d = 0; d < dh; d++) s += col(0, i, d) * col(1, j, d);
        return s / Math.sqrt(dh);
      });
      const p = softmax(scores);
      for (let d = 0; d < dh; d++) merged[i][h * dh + d] = p.reduce((s, pj, j) => s + pj * col(2, j, d), 0);
    }
  }
  return matmul(merged, wOut).map((row) => row.map((v, j) => v + bOut[j]));
}

/** images[b][y][x][c] → patches[b][n][(dy·p + dx)·C + c], n row-major over the grid. */
export function patchifyReference(images: number[][][][], p: number): number[][][] {
  return images.map((img) => {
    const [gh, gw, c] = [img.length / p, img[0].length / p, img[0][0].length];
    const out: number[][] = [];
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++) {
        const patch: number[] = [];
        for (let dy = 0; dy < p; dy++) for (let dx = 0; dx < p; dx++) for (let k = 0; k < c; k++) patch.push(img[gy * p + dy][gx * p + dx][k]);
        out.push(patch);
      }
    }
    return out;
  });
}

/**
 * Bilinear resize of grid[y][x][ch] to [h, w] with half-pixel centres (PyTorch align_corners=False):
 * source coordinate (i + ½)·in/out − ½, clamped at the edges.
 */
export function bilinearReference(grid: number[][][], h: number, w: number): number[][][] {
  const [gh, gw] = [grid.length, grid[0].length];
  const axis = (i: number, size: number, out: number) => {
    const src = Math.max(0, (i + 0.5) * (size / out) - 0.5);
    const lo = Math.min(Math.floor(src), size - 1);
    return {lo, hi: Math.min(lo + 1, size - 1), t: src - lo};
  };
  return Array.from({length: h}, (_, y) => {
    const ay = axis(y, gh, h);
    return Array.from({length: w}, (_, x) => {
      const ax = axis(x, gw, w);
      return grid[0][0].map((_, c) => {
        const top = grid[ay.lo][ax.lo][c] * (1 - ax.t) + grid[ay.lo][ax.hi][c] * ax.t;
        const bottom = grid[ay.hi][ax.lo][c] * (1 - ax.t) + grid[ay.hi][ax.hi][c] * ax.t;
        return top * (1 - ay.t) + bottom * ay.t;
      });
    });
  });
}

/** erf by its Maclaurin series (exact to float64 rounding for |x| ≤ 3, plenty for these tests). */
export function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Central finite differences of a float64 scalar function of a flat parameter vector. */
export function numericGradient(f: (theta: number[]) => number, theta: number[], h = 1e-5): number[] {
  return theta.map((_, i) => {
    const plus = theta.slice();
    const minus = theta.slice();
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** Parameters of one pre-norm block: attention (fused qkv + out), MLP and two LayerNorms. */
export function blockParameters(width: number, mlpRatio: number): number {
  const hidden = Math.round(mlpRatio * width);
  return 3 * width * width + 3 * width + width * width + width + width * hidden + hidden + hidden * width + width + 4 * width;
}

function layerNorm(row: number[], gain: number[], bias: number[], eps = 1e-5): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
  return row.map((x, i) => ((x - mean) / Math.sqrt(variance + eps)) * gain[i] + bias[i]);
}

function linear(x: Matrix, weight: Matrix, bias: number[]): Matrix {
  return matmul(x, weight).map((row) => row.map((v, j) => v + bias[j]));
}

export const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** The weights of one pre-norm block, by the names the block gives them. */
export type BlockWeights = Record<string, Matrix | number[]>;

/** x + attn(ln_1(x)), then h + mlp(ln_2(h)), mlp = c_proj(gelu(c_fc(·))), for one sequence. */
export function blockReference(x: Matrix, w: BlockWeights, heads: number, causal: boolean): Matrix {
  const m = (k: string) => w[k] as Matrix;
  const v = (k: string) => w[k] as number[];
  const ln = (rows: Matrix, k: string) => rows.map((r) => layerNorm(r, v(`${k}.weight`), v(`${k}.bias`)));
  const attn = attentionReference(ln(x, "ln_1"), m("attn.in_proj.weight"), v("attn.in_proj.bias"), m("attn.out_proj.weight"), v("attn.out_proj.bias"), heads, causal);
  const h = x.map((r, i) => r.map((a, j) => a + attn[i][j]));
  const hidden = linear(ln(h, "ln_2"), m("mlp.c_fc.weight"), v("mlp.c_fc.bias")).map((r) => r.map(gelu));
  const mlp = linear(hidden, m("mlp.c_proj.weight"), v("mlp.c_proj.bias"));
  return h.map((r, i) => r.map((a, j) => a + mlp[i][j]));
}
