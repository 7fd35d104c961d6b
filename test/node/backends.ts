import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {installSpeedFixes} from "../../src/lib/runtime/speedFixes.js";

/** The tfjs backends a Node test machine has; every kernel test runs on each. */
export const NODE_BACKENDS = ["cpu", "wasm"] as const;
/**
 * Also webgpu, through Dawn (scripts/dawnWebGPU.ts): on a machine without a GPU it is SwiftShader,
 * which emulates one so slowly that only the GPU kernels' own tests run there, at small sizes.
 */
export type NodeBackend = (typeof NODE_BACKENDS)[number] | "webgpu";

/**
 * Switches tfjs to `name`, failing loudly rather than silently staying on another backend, with
 * the lab's speed fixes installed as the site installs them. For webgpu, fails naming what Dawn
 * lacks; Dawn is loaded only then, so the other backends' tests never start it.
 */
export async function useBackend(name: NodeBackend): Promise<void> {
  if (name === "webgpu") await (await import("../../scripts/dawnWebGPU.js")).installDawnWebGPU();
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`could not switch tfjs to the ${name} backend`);
  installSpeedFixes(name);
}
