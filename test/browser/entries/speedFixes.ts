// A browser entry for the speed fixes: `window.lab.check` runs the shared cases
// (test/node/speed/speedCases.ts) on the current backend; `window.lab.timeSteps` times image-encoder
// training steps for scripts/bench/step.ts. `?threads=N` asks for N wasm threads: that needs a
// cross-origin-isolated page, and tfjs-wasm 4.22 also caps threads at navigator.hardwareConcurrency
// / 2 (it assumes two logical cores per physical one), so on a 2-core machine the entry reports
// 2N logical cores to get N threads.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {getThreadsCount, setThreadsCount, setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {installSpeedFixes, installedSpeedFixes, uninstallSpeedFixes} from "../../../src/lib/runtime/speedFixes.js";
import {trainingStep, type StepModel} from "../../../src/lib/runtime/speedStep.js";
import {caseError, speedCases} from "../../node/speed/speedCases.js";

setWasmPaths(new URL("./", import.meta.url).href);
const threads = Number(new URL(location.href).searchParams.get("threads") ?? "0");
if (threads > 0) {
  setThreadsCount(threads);
  if (navigator.hardwareConcurrency < 2 * threads) Object.defineProperty(navigator, "hardwareConcurrency", {get: () => 2 * threads});
}

async function use(name: string): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) return false;
  installSpeedFixes(name);
  return true;
}

/**
 * Each case's worst relative error on `backend` (only cases whose name starts with `prefix`), the
 * fixes installed, and the tensors left behind.
 */
async function check(backend: string, prefix = "") {
  const all = speedCases();
  const cases = all.filter((c) => c.name.startsWith(prefix));
  const before = tf.memory().numTensors;
  const errors: Record<string, number> = {};
  for (const c of cases) errors[c.name] = await caseError(backend, c);
  const leaked = tf.memory().numTensors - before;
  all.forEach((c) => c.dispose());
  return {errors, leaked, installed: installedSpeedFixes(backend)};
}

/** Wall times of `steps` training steps after `warmup`, with the fixes or stock. */
async function timeSteps(model: StepModel, steps: number, warmup: number, speedFixes: boolean) {
  const backend = tf.getBackend();
  if (!speedFixes) uninstallSpeedFixes(backend);
  const step = trainingStep(model);
  try {
    for (let i = 0; i < warmup; i++) await step.run();
    const wallMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const started = performance.now();
      await step.run();
      wallMs.push(performance.now() - started);
    }
    return {wallMs, parameters: step.parameters};
  } finally {
    step.dispose();
    installSpeedFixes(backend);
  }
}

function environment() {
  return {crossOriginIsolated, threads: tf.getBackend() === "wasm" ? getThreadsCount() : 1, hardwareConcurrency: navigator.hardwareConcurrency};
}

(window as unknown as {lab: unknown}).lab = {tf, use, check, timeSteps, environment};
