import type {KernelFunc, NamedAttrMap, TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22 copies the whole tensor for Identity (tf.clone, and the engine's own
 * bookkeeping in backprop) and for a Cast to the dtype a tensor already has, which every Mul
 * and Div gradient does to both of its inputs: 56 copies of [64,65,512] per small-ViT step. The
 * cpu and webgl backends share the data instead, as wasm's own Reshape does; so do these.
 */

function share(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId);
  return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
}

/** Wraps the stock wasm Identity: the result shares its input's data. */
export function fastIdentityWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    return x.dtype === "string" ? stock(args) : share(x, args.backend as BackendWasm);
  };
}

/** Wraps the stock wasm Cast: a cast to the same dtype shares its input's data. */
export function fastCastWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    const {dtype} = args.attrs as NamedAttrMap & {dtype: string};
    return x.dtype === dtype && dtype !== "string" ? share(x, args.backend as BackendWasm) : stock(args);
  };
}
