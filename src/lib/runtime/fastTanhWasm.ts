import {getKernel, type KernelFunc, type TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22's Tanh is a scalar loop: 43 ms for the [4160,512] GELU input of one
 * small-ViT layer, against 8 ms for XNNPACK's vectorised Sigmoid. tanh(x) = 2·σ(2x) − 1 (absolute
 * error ~1e-7 in float32) runs on the fast kernels in ~11 ms. The gradient, 1 − tanh², reads the
 * output, so it is unchanged.
 */

function run(name: string, inputs: Record<string, TensorInfo>, backend: BackendWasm): TensorInfo {
  const kernel = getKernel(name, "wasm");
  if (!kernel) throw new Error(`fastTanhWasm: the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({inputs, backend, attrs: {}}) as TensorInfo;
}

/** Wraps the stock wasm Tanh: same values to float32 rounding, on vectorised kernels. */
export function fastTanhWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    if (x.dtype !== "float32") return stock(args);
    const backend = args.backend as BackendWasm;
    const two = backend.makeOutput([], "float32", undefined, new Float32Array([2]));
    const one = backend.makeOutput([], "float32", undefined, new Float32Array([1]));
    const temporaries = [two, one];
    const step = (name: string, inputs: Record<string, TensorInfo>): TensorInfo => {
      const t = run(name, inputs, backend);
      temporaries.push(t);
      return t;
    };
    try {
      const s = step("Sigmoid", {x: step("Multiply", {a: x, b: two})});
      return run("Sub", {a: step("Multiply", {a: s, b: two}), b: one}, backend);
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}
