// One training step (forward, CLIP loss, backward, AdamW) of the teacher ViT, the ViT student and
// the Vim student at their default sizes, per Node backend, with and without the speed fixes on
// wasm; in Chromium on wasm with 1 thread and, on a cross-origin-isolated page, 2 threads; beside
// PyTorch CPU when Debian's python3-torch is installed: npm run bench:step
//   [--models vit-teacher,vit-student,vim-student] [--backends wasm,cpu,webgpu] [--steps 5] [--stock-steps 3] [--cpu-steps 2]
//   [--torch-threads 1,2] [--no-stock] [--no-chromium] [--out data/bench/step.json]
// webgpu runs in Node through Dawn (scripts/dawnWebGPU.ts), on SwiftShader unless VK_ICD_FILENAMES
// names a GPU's Vulkan driver; the adapter is recorded, and such a run writes
// data/bench/step-webgpu-node.json unless --out says otherwise, so the CPU figures stay apart.
// Wall and CPU time are both recorded: on a shared machine the load average (also recorded)
// inflates wall time, while this process's CPU time stays close to what the step costs.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {mkdirSync, writeFileSync} from "node:fs";
import {cpus, loadavg} from "node:os";
import {dirname} from "node:path";
import {parseArgs, type ParseArgsConfig} from "node:util";
import {installSpeedFixes, uninstallSpeedFixes} from "../../src/lib/runtime/speedFixes.js";
import {bundleEntry, launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {isStepModel, STEP_MODELS, trainingStep, type StepModel} from "../../src/lib/runtime/speedStep.js";
import {runScript, UsageError} from "../cli.js";
import {installDawnWebGPU, WebGPUUnavailable} from "../dawnWebGPU.js";
import {runTorch, TORCH_OMP_WAIT_POLICY, torchMissing} from "./torchPeer.js";
import {median} from "../../src/lib/rq/latencyStudy.js";

const TORCH_SCRIPT = "scripts/bench/step_torch.py";
const BACKENDS = ["wasm", "cpu", "webgpu"];

/** Node's parseArgs, with a mistyped flag reported as the user's mistake. */
function parseOptions<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Dawn's adapter, or why it cannot start, as one line. */
async function dawnAdapter() {
  try {
    return await installDawnWebGPU();
  } catch (error) {
    if (error instanceof WebGPUUnavailable) throw new UsageError(`--backends webgpu: ${error.message}`);
    throw error;
  }
}

await runScript(async () => {
  const {values: args} = parseOptions({
    options: {
      models: {type: "string", default: STEP_MODELS.join(",")},
      backends: {type: "string", default: "wasm,cpu"},
      batch: {type: "string", default: "64"},
      warmup: {type: "string", default: "1"},
      steps: {type: "string", default: "5"},
      "stock-steps": {type: "string", default: "3"},
      "cpu-steps": {type: "string", default: "2"},
      "torch-threads": {type: "string", default: "1,2"},
      "no-stock": {type: "boolean", default: false},
      "no-chromium": {type: "boolean", default: false},
      out: {type: "string"}
    }
  });

  function count(name: string, value: string, min: number): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${value}`);
    return n;
  }
  const models = args.models.split(",").map((m) => {
    if (!isStepModel(m)) throw new UsageError(`--models: each must be one of ${STEP_MODELS.join(", ")}, got ${m}`);
    return m;
  });
  const backends = args.backends.split(",").map((b) => {
    if (!BACKENDS.includes(b)) throw new UsageError(`--backends: each must be one of ${BACKENDS.join(", ")}, got ${b}`);
    return b;
  });
  const batch = count("batch", args.batch, 2);
  const warmup = count("warmup", args.warmup, 0);
  // The slow configurations (stock kernels, the cpu backend) take fewer steps.
  const stepsFor = (backend: string, speedFixes = true) =>
    backend === "cpu" ? count("cpu-steps", args["cpu-steps"], 1) : speedFixes ? count("steps", args.steps, 1) : count("stock-steps", args["stock-steps"], 1);
  const torchThreads = args["torch-threads"] === "" ? [] : args["torch-threads"].split(",").map((t) => count("torch-threads", t, 1));
  const out = args.out ?? (backends.includes("webgpu") ? "data/bench/step-webgpu-node.json" : "data/bench/step.json");
  const adapter = backends.includes("webgpu") ? await dawnAdapter() : null;
  if (adapter) console.log(`webgpu adapter: ${adapter.detail}`);

  const round = (x: number) => Math.round(x * 10) / 10;

  interface TfjsResult {
    model: StepModel;
    backend: string;
    speedFixes: boolean;
    batch: number;
    tokens: number;
    width: number;
    depth: number;
    parameters: number;
    warmup: number;
    wallMs: number[];
    cpuMs: number[];
    medianWallMs: number;
    medianCpuMs: number;
    imagesPerSecond: number;
    loadAverage: number;
  }

  async function timeTfjs(model: StepModel, backend: string, speedFixes: boolean): Promise<TfjsResult> {
    if (!(await tf.setBackend(backend))) throw new Error(`bench:step: could not start the ${backend} backend`);
    await tf.ready();
    if (speedFixes) installSpeedFixes(backend);
    else uninstallSpeedFixes(backend);
    const step = trainingStep(model, {batch});
    try {
      for (let i = 0; i < warmup; i++) await step.run();
      const wallMs: number[] = [];
      const cpuMs: number[] = [];
      for (let i = 0; i < stepsFor(backend, speedFixes); i++) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        await step.run();
        wallMs.push(round(performance.now() - started));
        const used = process.cpuUsage(cpu);
        cpuMs.push(round((used.user + used.system) / 1000));
      }
      const medianWallMs = median(wallMs);
      return {
        model,
        backend,
        speedFixes,
        batch,
        tokens: step.tokens,
        width: step.config.width,
        depth: step.config.depth,
        parameters: step.parameters,
        warmup,
        wallMs,
        cpuMs,
        medianWallMs,
        medianCpuMs: median(cpuMs),
        imagesPerSecond: round((1000 * batch) / medianWallMs),
        loadAverage: round(loadavg()[0])
      };
    } finally {
      step.dispose();
      installSpeedFixes(backend);
    }
  }

  interface TorchResult {
    model: StepModel;
    threads: number;
    parameters: number;
    torch: string;
    wallMs: number[];
    cpuMs: number[];
    medianWallMs: number;
    medianCpuMs: number;
    loadAverage: number;
  }

  function timeTorch(model: StepModel, threads: number): TorchResult {
    const steps = String(stepsFor("wasm"));
    const result = runTorch<Omit<TorchResult, "loadAverage">>(TORCH_SCRIPT, ["--model", model, "--batch", String(batch), "--threads", String(threads), "--warmup", String(Math.max(warmup, 1)), "--steps", steps], threads);
    return {...result, wallMs: result.wallMs.map(round), cpuMs: result.cpuMs.map(round), loadAverage: round(loadavg()[0])};
  }

  const tfjs: TfjsResult[] = [];
  for (const backend of backends) {
    for (const model of models) {
      const variants = backend === "wasm" && !args["no-stock"] ? [true, false] : [true];
      for (const speedFixes of variants) {
        const r = await timeTfjs(model, backend, speedFixes);
        tfjs.push(r);
        console.log(
          `${model.padEnd(12)} ${backend.padEnd(5)} ${speedFixes ? "fixed" : "stock"}  median ${r.medianWallMs.toFixed(0)} ms wall, ` +
            `${r.medianCpuMs.toFixed(0)} ms CPU (${r.imagesPerSecond} img/s; load ${r.loadAverage})`
        );
      }
    }
  }

  const missing = torchThreads.length > 0 ? torchMissing() : "not requested (--torch-threads '')";
  const torch: TorchResult[] = [];
  if (missing) {
    console.log(`PyTorch comparison skipped: ${missing}`);
  } else {
    for (const model of models) {
      for (const threads of torchThreads) {
        const r = timeTorch(model, threads);
        const ours = tfjs.find((t) => t.model === model);
        if (ours && ours.parameters !== r.parameters) {
          throw new Error(`bench:step: PyTorch's ${model} has ${r.parameters} parameters, TensorFlow.js's ${ours.parameters}: the architectures differ`);
        }
        torch.push(r);
        console.log(`${model.padEnd(12)} torch ${threads} thread${threads > 1 ? "s" : " "}  median ${r.medianWallMs.toFixed(0)} ms wall, ${r.medianCpuMs.toFixed(0)} ms CPU (load ${r.loadAverage})`);
      }
    }
  }

  interface ChromiumResult {
    model: StepModel;
    backend: "wasm";
    speedFixes: boolean;
    crossOriginIsolated: boolean;
    threads: number;
    wallMs: number[];
    medianWallMs: number;
    imagesPerSecond: number;
    loadAverage: number;
  }

  /** Chromium's wasm: stock and fixed on an ordinary page (1 thread), fixed on an isolated one (2 threads). */
  async function timeChromium(): Promise<ChromiumResult[]> {
    const dir = await bundleEntry("test/browser/entries/speedFixes.ts");
    const browser = await launchChromium();
    const results: ChromiumResult[] = [];
    const pages = [
      {isolated: false, threads: 0, speedFixes: [true, ...(args["no-stock"] ? [] : [false])]},
      {isolated: true, threads: 2, speedFixes: [true]}
    ];
    try {
      for (const {isolated, threads, speedFixes} of pages) {
        const server = await serveStatic(dir, {isolated});
        const {page, log} = await openPage(browser, `${server.url}/?threads=${threads}`);
        try {
          await page.waitForFunction(() => "lab" in window);
          for (const model of models) {
            for (const fixes of speedFixes) {
              const r = await page.evaluate(
                async ([m, steps, warm, fix]) => {
                  const lab = (window as any).lab;
                  if (!(await lab.use("wasm"))) throw new Error("Chromium could not start the wasm backend");
                  return {...(await lab.timeSteps(m, steps, warm, fix)), ...lab.environment()};
                },
                [model, stepsFor("wasm", fixes), warmup, fixes] as const
              );
              if (threads > 0 && r.threads !== threads) throw new Error(`bench:step: Chromium ran ${r.threads} wasm threads, asked for ${threads}`);
              const medianWallMs = median(r.wallMs);
              results.push({
                model,
                backend: "wasm",
                speedFixes: fixes,
                crossOriginIsolated: r.crossOriginIsolated,
                threads: r.threads,
                wallMs: r.wallMs.map(round),
                medianWallMs: round(medianWallMs),
                imagesPerSecond: round((1000 * batch) / medianWallMs),
                loadAverage: round(loadavg()[0])
              });
              console.log(
                `${model.padEnd(12)} chromium wasm ${fixes ? "fixed" : "stock"} ${r.threads} thread${r.threads > 1 ? "s" : " "}` +
                  `${r.crossOriginIsolated ? " (isolated)" : ""}  median ${medianWallMs.toFixed(0)} ms wall (load ${round(loadavg()[0])})`
              );
            }
          }
          if (log.errors.length > 0) throw new Error(`bench:step: Chromium page errors: ${log.errors.join("; ")}`);
        } finally {
          await page.close();
          await server.close();
        }
      }
    } finally {
      await browser.close();
    }
    return results;
  }
  const chromium = args["no-chromium"] ? [] : await timeChromium();

  // Throughput relative to PyTorch: its step time over ours (1 = as fast, 0.5 = half its speed).
  const comparisons = tfjs
    .filter((r) => r.backend === "wasm" && r.speedFixes)
    .flatMap((r) =>
      torch
        .filter((t) => t.model === r.model)
        .map((t) => ({
          model: r.model,
          tfjs: "wasm with speed fixes, 1 thread",
          torchThreads: t.threads,
          throughputVsTorchWall: Number((t.medianWallMs / r.medianWallMs).toFixed(3)),
          throughputVsTorchCpu: Number((t.medianCpuMs / r.medianCpuMs).toFixed(3))
        }))
    );
  for (const c of comparisons) {
    console.log(`${c.model.padEnd(12)} wasm vs torch ${c.torchThreads} thread(s): ${c.throughputVsTorchWall}× its throughput by wall time, ${c.throughputVsTorchCpu}× by CPU time`);
  }

  const report = {
    benchmark: "one image-encoder training step: forward, CLIP loss against fixed text embeddings, backward, AdamW",
    date: new Date().toISOString(),
    machine: {cpu: cpus()[0].model, cores: cpus().length, node: process.version, tfjs: tf.version.tfjs, wasmThreads: 1},
    webgpu: adapter && {
      runtime: "Node through Dawn (npm package webgpu)",
      adapter: adapter.info,
      hardware: adapter.hardware,
      note: adapter.hardware
        ? "a GPU adapter: the webgpu rows time this GPU"
        : `a software adapter (${adapter.detail}) emulating a GPU on the CPU: the webgpu rows check that the path runs, ` +
          "they are not a GPU speed figure; no GPU was timed (on a machine with one, set VK_ICD_FILENAMES to its Vulkan driver's manifest)"
    },
    sizes: "batch × (64×64 images, 8×8 patches → 65 tokens); widths and depths per model as below (src/lib/clip/presets.ts, src/lib/mamba/vimEncoder.ts)",
    tfjs,
    chromium,
    torch: missing ? {skipped: missing} : {ompWaitPolicy: TORCH_OMP_WAIT_POLICY, steps: torch},
    comparisons
  };
  mkdirSync(dirname(out), {recursive: true});
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
});
