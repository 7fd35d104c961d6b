// Profiles one training step of an image encoder and prints its kernels by time, so the next
// slow path is found by measurement: npm run profile -- --model vit|vit-student|vim
//   [--backend wasm|cpu] [--batch 64] [--top 20] [--stock]   (--stock: without the speed fixes)
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

const step = trainingStep(model, {batch});
await step.run(); // warm-up: first-call setup stays out of the profile
const cpuBefore = process.cpuUsage();
const started = performance.now();
const profile = await tf.profile(() => step.run());
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
step.dispose();

interface Row {
  name: string;
  calls: number;
  ms: number;
}
function rank(keyOf: (k: (typeof profile.kernels)[number]) => string): Row[] {
  const rows = new Map<string, Row>();
  for (const k of profile.kernels) {
    const key = keyOf(k);
    const row = rows.get(key) ?? {name: key, calls: 0, ms: 0};
    row.calls++;
    row.ms += k.kernelTimeMs as number;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.ms - a.ms);
}
const kernelMs = profile.kernels.reduce((sum, k) => sum + (k.kernelTimeMs as number), 0);
const table = (title: string, rows: Row[]) => {
  console.log(`\n${title}`);
  console.log(`${"ms".padStart(9)} ${"share".padStart(6)} ${"calls".padStart(6)}  kernel`);
  for (const r of rows.slice(0, top)) {
    console.log(`${r.ms.toFixed(1).padStart(9)} ${((100 * r.ms) / kernelMs).toFixed(1).padStart(5)}% ${String(r.calls).padStart(6)}  ${r.name}`);
  }
};

const {config} = step;
console.log(
  `${model}: batch ${batch}, ${step.tokens} tokens, width ${config.width}, depth ${config.depth}, ${step.parameters} parameters; ` +
    `${args.backend} ${args.stock ? "stock" : "with speed fixes"}; ${cpus()[0].model}, ${cpus().length} cores`
);
console.log(
  `one profiled step: ${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ` +
    `${kernelMs.toFixed(0)} ms in ${profile.kernels.length} kernels (profiling adds overhead; time steps with npm run bench:step)`
);
table("by kernel", rank((k) => k.name));
table("by kernel and input shapes", rank((k) => `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(" ")}`));
