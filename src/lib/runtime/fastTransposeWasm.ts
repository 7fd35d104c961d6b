import type {KernelFunc, NamedAttrMap, TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22 has tuned transposes for rank 2, 3 and 4 only; anything higher runs a
 * generic loop that allocates per element (a 1.6M-element [2,0,3,1,4] transpose, attention's
 * q/k/v split, took 104 ms against 0.3 ms for a rank-4 one). This kernel first merges axes that
 * stay neighbours and drops unit axes, then, while more than four axes move, brings one axis at a
 * time into place with a rank ≤ 4 transpose.
 */

/** One transpose over `shape` (input order) by `perm`, with no unit axes and no mergeable pair. */
export interface TransposeStep {
  shape: number[];
  perm: number[];
}

/** Drops unit axes and merges input axes that stay adjacent and in order in the output. */
export function simplifyTranspose(shape: readonly number[], perm: readonly number[]): TransposeStep {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Output-order runs of consecutive input axes become one axis each.
  const runs: number[][] = [];
  for (const axis of kept) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] + 1 === axis) run.push(axis);
    else runs.push([axis]);
  }
  const byInputOrder = [...runs].sort((p, q) => p[0] - q[0]);
  return {
    shape: byInputOrder.map((run) => run.reduce((size, axis) => size * shape[axis], 1)),
    perm: runs.map((run) => byInputOrder.indexOf(run))
  };
}

/** How many leading axes the transpose leaves in place (the kernel loops over them for free). */
function fixedPrefix(perm: readonly number[]): number {
  let i = 0;
  while (i < perm.length && perm[i] === i) i++;
  return i;
}

/**
 * The steps, each moving at most four axes, that compose to transpose(shape, perm). A step
 * moves the axis due next into place and keeps the rest in order, so it merges to ≤ 4 axes.
 */
export function planTranspose(shape: readonly number[], perm: readonly number[]): TransposeStep[] {
  const steps: TransposeStep[] = [];
  let current = simplifyTranspose(shape, perm);
  while (current.perm.length - fixedPrefix(current.perm) > 4) {
    const at = fixedPrefix(current.perm);
    const axis = current.perm[at];
    const move = [...current.perm.keys()].filter((i) => i !== axis);
    move.splice(at, 0, axis);
    steps.push(simplifyTranspose(current.shape, move));
    // What is left: output axis i is input axis perm[i], which now sits where `move` put it.
    const movedShape = move.map((i) => current.shape[i]);
    current = simplifyTranspose(
      movedShape,
      current.perm.map((i) => move.indexOf(i))
    );
  }
  steps.push(current);
  return steps;
}

/** Wraps the stock wasm Transpose: same results, with high-rank permutations split up. */
export function fastTransposeWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    const {perm} = args.attrs as NamedAttrMap & {perm: number[]};
    const backend = args.backend as BackendWasm;
    const steps = planTranspose(x.shape, perm);
    const outShape = perm.map((axis) => x.shape[axis]);
    let current: TensorInfo = x;
    for (const step of steps) {
      const input = {dataId: current.dataId, shape: step.shape, dtype: current.dtype};
      const next = stock({inputs: {x: input}, backend, attrs: {perm: step.perm}}) as TensorInfo;
      if (current !== x) backend.disposeData(current.dataId);
      current = next;
    }
    return {dataId: current.dataId, shape: outShape, dtype: current.dtype};
  };
}
