// A browser test entry: exposes tfjs and a backend switch on `window.lab`.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";

setWasmPaths(new URL("./", import.meta.url).href);

async function use(name: string): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  return ok && tf.getBackend() === name;
}

(window as unknown as {lab: unknown}).lab = {tf, use};
