// Profiles one training step of an image encoder and prints its kernels by time, so the next
// slow path is found by measurement: npm run profile -- --model vit|vit-student|vim
//   [--backend wasm|cpu] [--batch 64] [--top 20] [--stock]   (--stock: without the speed fixes)
// Two clocks per kernel: tf.profile's (wall time, what a page would see) and this process's CPU
// time, which other programs on a shared machine do not inflate.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {cpus} from "node:os";
import {parseArgs} from "node:util";
import {installSpeedFixes, uninstallSpeedFixes} from "../src/lib/runtime/speedFixes.js";
import {isStepModel, STEP_MODELS, trainingStep, type StepModel} from "../src/lib/runtime/speedStep.js";

const ALIASES: Record<string, StepModel> = {vit: "vit-teacher", vim: "vim-student"};

const {values: args} = parseArgs({
  options: {
    model: {type: "string", default: "vit"},
    backend: {type: "string", default: "wasm"},
    batch: {type: "string", default: "64"},
    top: {type: "string", default: "20"},
    stock: {type: "boolean", default: false}
  }
});
const model = ALIASES[args.model] ?? args.model;
if (!isStepModel(model)) throw new Error(`--model must be one of vit, vim, ${STEP_MODELS.join(", ")}; got ${args.model}`);
if (args.backend !== "wasm" && args.backend !== "cpu") throw new Error(`--backend must be wasm or cpu, got ${args.backend}`);
const batch = Number(args.batch);
const top = Number(args.top);
if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be an integer ≥ 1, got ${args.top}`);

if (!(await tf.setBackend(args.backend))) throw new Error(`could not start the ${args.backend} backend`);
await tf.ready();
if (args.stock) uninstallSpeedFixes(args.backend);
else installSpeedFixes(args.backend);

interface Call {
  name: string;
  shapes: string;
  cpuMs: number;
}

/**
 * Wraps every kernel of `backend` to record this process's CPU time per call. Kernels that call
 * other kernels (the speed fixes do) are timed as one: only the outermost call is recorded.
 */
function recordCpuTime(backend: string): {calls: Call[]; restore(): void} {
  const configs = tf.getKernelsForBackend(backend);
  const calls: Call[] = [];
  let depth = 0;
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (kernelArgs) => {
        const start = depth++ === 0 ? process.cpuUsage() : null;
        try {
          return config.kernelFunc(kernelArgs);
        } finally {
          depth--;
          if (start) {
            const used = process.cpuUsage(start);
            const inputs = Object.values(kernelArgs.inputs) as tf.TensorInfo[];
            calls.push({name: config.kernelName, shapes: inputs.map((t) => `[${t.shape}]`).join(" "), cpuMs: (used.user + used.system) / 1000});
          }
        }
      }
    });
  }
  return {
    calls,
    restore() {
      for (const config of configs) {
        tf.unregisterKernel(config.kernelName, backend);
        tf.registerKernel(config);
      }
    }
  };
}

const step = trainingStep(model, {batch});
await step.run(); // warm-up: first-call setup stays out of the profile
const cpuClock = recordCpuTime(args.backend);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const profile = await tf.profile(() => step.run());
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
cpuClock.restore();
step.dispose();
interface Row {
  name: string;
  calls: number;
  wallMs: number;
  cpuMs: number;
}
// The two clocks are joined by key: a kernel run without a registry entry (a custom op's own
// forward function) has a wall time only.
function rank(keyOf: (call: Call) => string): Row[] {
  const rows = new Map<string, Row>();
  const row = (key: string): Row => rows.get(key) ?? rows.set(key, {name: key, calls: 0, wallMs: 0, cpuMs: 0}).get(key)!;
  for (const k of profile.kernels) {
    const r = row(keyOf({name: k.name, shapes: k.inputShapes.map((s) => `[${s}]`).join(" "), cpuMs: 0}));
    r.calls++;
    r.wallMs += k.kernelTimeMs as number;
  }
  for (const call of cpuClock.calls) row(keyOf(call)).cpuMs += call.cpuMs;
  return [...rows.values()].sort((a, b) => b.cpuMs - a.cpuMs || b.wallMs - a.wallMs);
}
const kernelWallMs = profile.kernels.reduce((sum, k) => sum + (k.kernelTimeMs as number), 0);
const kernelCpuMs = cpuClock.calls.reduce((sum, c) => sum + c.cpuMs, 0);
const table = (title: string, rows: Row[]) => {
  console.log(`\n${title}`);
  console.log(`${"cpu ms".padStart(9)} ${"share".padStart(6)} ${"wall ms".padStart(9)} ${"calls".padStart(6)}  kernel`);
  for (const r of rows.slice(0, top)) {
    const share = `${((100 * r.cpuMs) / kernelCpuMs).toFixed(1)}%`;
    console.log(`${r.cpuMs.toFixed(1).padStart(9)} ${share.padStart(6)} ${r.wallMs.toFixed(1).padStart(9)} ${String(r.calls).padStart(6)}  ${r.name}`);
  }
};

const {config} = step;
console.log(
  `${model}: batch ${batch}, ${step.tokens} tokens, width ${config.width}, depth ${config.depth}, ${step.parameters} parameters; ` +
    `${args.backend} ${args.stock ? "stock" : "with speed fixes"}; ${cpus()[0].model}, ${cpus().length} cores`
);
console.log(
  `one profiled step: ${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; ` +
    `${profile.kernels.length} kernels took ${kernelCpuMs.toFixed(0)} ms CPU, ${kernelWallMs.toFixed(0)} ms wall ` +
    `(profiling adds overhead: time steps with npm run bench:step)`
);
table("by kernel", rank((c) => c.name));
table("by kernel and input shapes", rank((c) => `${c.name} ${c.shapes}`));
