// A float64 oracle for the DM-CLIP losses, written from the formulas in
// docs/method.md, "The DM-CLIP loss", with plain loops (no tfjs), with hand-derived gradients:
// for H(P, softmax_row(Z)) averaged over b rows, ∂/∂Z_ij = (Q_ij·Σ_j' P_ij' − P_ij) / b.

export type Matrix = number[][];

export interface Reference {
  loss: number;
  /** Gradients with respect to the student's image and text embeddings and its scale s. */
  dImage: Matrix;
  dText: Matrix;
  dScale: number;
}

export function transpose(a: Matrix): Matrix {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** scale · a bᵀ */
export function logits(a: Matrix, b: Matrix, scale: number): Matrix {
  return a.map((ai) => b.map((bj) => scale * ai.reduce((s, x, k) => s + x * bj[k], 0)));
}

export function softmaxRows(z: Matrix): Matrix {
  return z.map((row) => {
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / total);
  });
}

function logSoftmaxRows(z: Matrix): Matrix {
  return z.map((row) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    return row.map((x) => x - lse);
  });
}

export function identity(n: number): Matrix {
  return Array.from({length: n}, (_, i) => Array.from({length: n}, (_, j) => (i === j ? 1 : 0)));
}

/** Mean over a list of equally shaped matrices. */
export function meanOf(ms: Matrix[]): Matrix {
  return ms[0].map((row, i) => row.map((_, j) => ms.reduce((s, m) => s + m[i][j], 0) / ms.length));
}

/**
 * ½ [H(P_i2t, softmax_row(s·u vᵀ)) + H(P_t2i, softmax_row(s·v uᵀ))] and its gradients.
 * With P = I this is the CLIP loss; with the teachers' targets, the distillation term.
 */
export function objective(u: Matrix, v: Matrix, s: number, pI2T: Matrix, pT2I: Matrix): Reference {
  const b = u.length;
  const sim = logits(u, v, 1);
  const zI2T = sim.map((row) => row.map((x) => s * x));
  const zT2I = transpose(zI2T);
  const dZ: Matrix = sim.map((row) => row.map(() => 0));
  let loss = 0;
  for (const [z, p, flip] of [
    [zI2T, pI2T, false],
    [zT2I, pT2I, true]
  ] as const) {
    const logQ = logSoftmaxRows(z);
    for (let i = 0; i < b; i++) {
      const rowMass = p[i].reduce((a, x) => a + x, 0);
      for (let j = 0; j < b; j++) {
        loss -= (0.5 / b) * p[i][j] * logQ[i][j];
        const g = (0.5 / b) * (Math.exp(logQ[i][j]) * rowMass - p[i][j]);
        if (flip) dZ[j][i] += g;
        else dZ[i][j] += g;
      }
    }
  }
  const dSim = dZ.map((row) => row.map((x) => s * x));
  let dScale = 0;
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) dScale += dZ[i][j] * sim[i][j];
  const dImage = u.map((ui, i) => ui.map((_, k) => v.reduce((acc, vj, j) => acc + dSim[i][j] * vj[k], 0)));
  const dText = v.map((vj, j) => vj.map((_, k) => u.reduce((acc, ui, i) => acc + dSim[i][j] * ui[k], 0)));
  return {loss, dImage, dText, dScale};
}

export function clipReference(u: Matrix, v: Matrix, s: number): Reference {
  return objective(u, v, s, identity(u.length), identity(u.length));
}

/**
 * Teacher targets in both directions. "probabilities" averages each teacher's softmax (the
 * published form); "logits" averages the logits first — the wrong form, kept to show they differ.
 */
export function teacherTargetsReference(
  images: Matrix[],
  texts: Matrix[],
  scales: number[],
  average: "probabilities" | "logits" = "probabilities"
): {i2t: Matrix; t2i: Matrix} {
  const zs = images.map((u, k) => logits(u, texts[k], scales[k]));
  if (average === "logits") {
    const z = meanOf(zs);
    return {i2t: softmaxRows(z), t2i: softmaxRows(transpose(z))};
  }
  return {i2t: meanOf(zs.map(softmaxRows)), t2i: meanOf(zs.map((z) => softmaxRows(transpose(z))))};
}

export function distillReference(u: Matrix, v: Matrix, s: number, images: Matrix[], texts: Matrix[], scales: number[]): Reference {
  const {i2t, t2i} = teacherTargetsReference(images, texts, scales);
  return objective(u, v, s, i2t, t2i);
}

/** Rows drawn from `normal` and L2-normalised: what an encoder hands to the loss. */
export function randomEmbeddings(normal: () => number, batch: number, dim: number): Matrix {
  return Array.from({length: batch}, () => {
    const row = Array.from({length: dim}, normal);
    const norm = Math.hypot(...row);
    return row.map((x) => x / norm);
  });
}
