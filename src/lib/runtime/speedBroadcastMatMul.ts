import {broadcast_util, getKernel, util, type KernelFunc, type TensorInfo} from "@tensorflow/tfjs";

/*
 * tfjs 4.22's cpu and webgl backends pick each operand's batch as (output batch) mod (its batch
 * size): right when a side has one batch or both have the same, wrong when both broadcast
 * ([2,1,m,k]·[1,3,k,n] returned 72 of its 144 values on cpu and threw on webgl). This wrapper
 * tiles such operands to the output's batch shape first, with the backend's own Tile kernel.
 */

function tileToBatch(x: TensorInfo, batch: number[], backend: unknown, backendName: string): TensorInfo {
  const rank = batch.length + 2;
  const padded = [...Array(rank - x.shape.length).fill(1), ...x.shape];
  const reps = [...batch.map((size, i) => size / padded[i]), 1, 1];
  const tile = getKernel("Tile", backendName);
  if (!tile) throw new Error(`speedBroadcastMatMul: the ${backendName} backend has no Tile kernel`);
  const input = {dataId: x.dataId, shape: padded, dtype: x.dtype};
  return tile.kernelFunc({inputs: {x: input}, backend: backend as never, attrs: {reps}}) as TensorInfo;
}

/** Wraps a stock BatchMatMul whose batch broadcasting is modular: same results, all shapes. */
export function broadcastingBatchMatMul(backendName: string): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const {a, b} = args.inputs as {a: TensorInfo; b: TensorInfo};
    const batch = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const count = util.sizeFromShape(batch);
    const fits = (x: TensorInfo): boolean => {
      const size = util.sizeFromShape(x.shape.slice(0, -2));
      return size === 1 || size === count;
    };
    if (fits(a) && fits(b)) return stock(args);
    const backend = args.backend as {disposeData(dataId: object): void};
    const tiled = [a, b].map((x) => (fits(x) ? x : tileToBatch(x, batch, backend, backendName)));
    try {
      return stock({...args, inputs: {a: tiled[0], b: tiled[1]}});
    } finally {
      tiled.forEach((x, i) => {
        if (x !== [a, b][i]) backend.disposeData(x.dataId);
      });
    }
  };
}
