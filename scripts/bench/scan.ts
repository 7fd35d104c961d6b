// Benchmark of the selective scan: reference (tf ops per position) against the fused kernels,
// forward and forward+backward, at batch 16, state 16, channels 64 and 128, lengths 64 to 4096,
// on Node's cpu and wasm backends and on Chromium's wasm, beside PyTorch CPU's reference loop
// (scan_torch.py, one thread) on the same cells in the same run. Writes data/bench/scan.json and
// prints a table. Usage: npx tsx scripts/bench/scan.ts [--no-browser] [--no-torch]
import {mkdirSync, writeFileSync} from "node:fs";
import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {scanBackward, scanForward, type ScanArrays} from "../../src/lib/mamba/kernels/scanSimd.js";
import {timeScan, type ScanTiming, type ScanTimingCase, type TimingOptions} from "../../src/lib/mamba/scanTiming.js";
import {installSpeedFixes} from "../../src/lib/runtime/speedFixes.js";
import {bundleEntry, launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {runTorch, TORCH_OMP_WAIT_POLICY, torchMissing} from "./torchPeer.js";

const BATCH = 16;
const STATE = 16;
const CHANNELS = [64, 128];
const LENGTHS = [64, 256, 1024, 4096];
const OUT = "data/bench/scan.json";
const TORCH_SCRIPT = "scripts/bench/scan_torch.py";
const TORCH_THREADS = 1;
/** The goal: the fused forward+backward at B16 L64 D64 N16 in at most this share of PyTorch's time. */
const GOAL_VS_TORCH = 0.35;

interface TorchCell {
  length: number;
  channels: number;
  mode: ScanTimingCase["mode"];
  medianMs: number;
  minMs: number;
  medianCpuMs: number;
}

type Environment = "node" | "chromium";
interface Row extends ScanTiming {
  environment: Environment;
}
interface Skip {
  environment: Environment;
  backend: string;
  case: ScanTimingCase;
  reason: string;
}

const REFERENCE_LIMITS: Record<string, {tokens: number; reason: string}> = {
  // The reference keeps ~8 [batch, channels, state] tensors per position for autograd and runs
  // ~10 ops per position: ≈1 GB and several seconds per call at L=1024, D=128 on wasm; the cpu
  // backend is ~15× slower still (3 s at L=64).
  wasm: {tokens: BATCH * 1024 * 64, reason: "reference skipped above B·L·D = 16·1024·64: per-position tf ops hold ~8 [B,D,N] tensors per position for autograd (≈1 GB at L=1024, D=128) and take seconds per call; it scales linearly in L"},
  cpu: {tokens: BATCH * 64 * 64, reason: "reference skipped above L=64 on cpu: 3 s per forward+backward at L=64, D=64, ~10 s at L=256"}
};

/** The cells for one backend, with the reference's skips. */
function plan(environment: Environment, backend: string): {cells: ScanTimingCase[]; skipped: Skip[]} {
  const cells: ScanTimingCase[] = [];
  const skipped: Skip[] = [];
  for (const channels of CHANNELS) {
    for (const length of LENGTHS) {
      for (const impl of ["reference", "fused"] as const) {
        for (const mode of ["forward", "forward+backward"] as const) {
          const c = {batch: BATCH, length, channels, state: STATE, impl, mode};
          const limit = REFERENCE_LIMITS[backend];
          if (impl === "reference" && BATCH * length * channels > limit.tokens) skipped.push({environment, backend, case: c, reason: limit.reason});
          else cells.push(c);
        }
      }
    }
  }
  return {cells, skipped};
}

/**
 * Fewer repetitions for the big cells. The fused kernel's first calls also let V8 move its
 * WebAssembly from the baseline to the optimising compiler; the small cells, run first, do that.
 */
function options(c: ScanTimingCase): TimingOptions {
  const big = c.length * c.channels >= 1024 * 128 || (c.impl === "reference" && c.length >= 1024);
  return {reps: big ? 3 : 7, warmup: c.impl === "fused" && !big ? 3 : 1};
}

const cpuClock = () => {
  const {user, system} = process.cpuUsage();
  return (user + system) / 1000;
};

function progress(r: Row): void {
  const cpu = r.medianCpuMs === undefined ? "" : ` (cpu ${r.medianCpuMs.toFixed(1)} ms)`;
  console.log(`${r.environment} ${r.backend} D${r.channels} L${r.length} ${r.impl} ${r.mode}: ${r.medianMs.toFixed(1)} ms${cpu}`);
}

async function benchNode(rows: Row[], skipped: Skip[]): Promise<void> {
  for (const backend of ["wasm", "cpu"]) {
    if (!(await tf.setBackend(backend))) throw new Error(`could not switch tfjs to ${backend}`);
    await tf.ready();
    installSpeedFixes(backend);
    const p = plan("node", backend);
    skipped.push(...p.skipped);
    for (const c of p.cells) {
      const row: Row = {...(await timeScan(c, {...options(c), cpuClock})), environment: "node"};
      rows.push(row);
      progress(row);
    }
  }
}

async function benchChromium(rows: Row[], skipped: Skip[]): Promise<string> {
  const server = await serveStatic(await bundleEntry("test/browser/entries/mamba.ts"));
  const browser = await launchChromium();
  try {
    const {page} = await openPage(browser, server.url);
    await page.waitForFunction(() => "lab" in window);
    const userAgent = await page.evaluate(() => navigator.userAgent);
    if (!(await page.evaluate((name) => (window as any).lab.use(name), "wasm"))) throw new Error("Chromium: no wasm backend");
    const p = plan("chromium", "wasm");
    skipped.push(...p.skipped);
    for (const c of p.cells) {
      const timing = (await page.evaluate(([c, o]) => (window as any).lab.timeScan(c, o), [c, options(c)] as const)) as ScanTiming;
      const row: Row = {...timing, environment: "chromium"};
      rows.push(row);
      progress(row);
    }
    for (const c of [...p.cells, ...p.skipped.map((s) => s.case)]) {
      skipped.push({environment: "chromium", backend: "webgpu", case: c, reason: "not timed: headless Chromium's WebGPU adapter here is SwiftShader, a CPU emulation (~0.6 GFLOP/s matmul); correctness is tested in test/browser/mamba.test.ts"});
    }
    return userAgent;
  } finally {
    await browser.close();
    await server.close();
  }
}

// The fastest run is the headline: on this shared machine other jobs only ever add time.
/**
 * The WebAssembly kernel alone (scanSimd.ts, no tfjs around it), forward + backward, in CPU time:
 * how its cost per token scales with L, apart from the engine and from the other jobs' waiting.
 */
function kernelOnly() {
  const out: {channels: number; length: number; cpuMs: number; usPerToken: number}[] = [];
  const random = (n: number) => Float32Array.from({length: n}, () => Math.random() - 0.5);
  for (const channels of CHANNELS) {
    for (const length of LENGTHS) {
      const dims = {batch: BATCH, length, channels, state: STATE};
      const tokens = BATCH * length * channels;
      const x: ScanArrays = {
        u: random(tokens), delta: random(tokens), z: random(tokens),
        A: Float32Array.from({length: channels * STATE}, (_, i) => -1 - (i % STATE)),
        B: random(BATCH * length * STATE), C: random(BATCH * length * STATE), D: random(channels), deltaBias: random(channels)
      };
      const dy = random(tokens);
      const runs: number[] = [];
      // The first cell also gives V8 time to replace its baseline code for the kernel with optimised code.
      const warmup = out.length === 0 ? 10 : 1;
      for (let i = 0; i < warmup + 3; i++) {
        const start = cpuClock();
        scanForward(x, dims, {deltaSoftplus: true});
        scanBackward(x, dy, dims, {deltaSoftplus: true});
        if (i >= warmup) runs.push(cpuClock() - start);
      }
      const cpuMs = Math.min(...runs);
      out.push({channels, length, cpuMs: Number(cpuMs.toFixed(2)), usPerToken: Number(((cpuMs / (BATCH * length)) * 1000).toFixed(3))});
      console.log(`kernel only D${channels} L${length}: ${cpuMs.toFixed(1)} ms CPU`);
    }
  }
  return out;
}

const perToken = (r: Row) => (r.minMs / (r.batch * r.length)) * 1000;

function find(rows: Row[], environment: Environment, backend: string, channels: number, length: number, impl: string, mode: string): Row | undefined {
  return rows.find((r) => r.environment === environment && r.backend === backend && r.channels === channels && r.length === length && r.impl === impl && r.mode === mode);
}

function table(rows: Row[]): string {
  const lines = [
    "fastest of the timed runs, wall ms (medians and Node CPU times in the JSON)",
    "env       backend D    L     ref fwd   fused fwd  ref f+b   fused f+b  speedup f+b  fused f+b µs/token"
  ];
  const keys = [...new Set(rows.map((r) => `${r.environment}|${r.backend}`))];
  const ms = (r?: Row) => (r ? r.minMs.toFixed(1) : "—").padStart(9);
  for (const key of keys) {
    const [environment, backend] = key.split("|") as [Environment, string];
    for (const channels of CHANNELS) {
      for (const length of LENGTHS) {
        const get = (impl: string, mode: string) => find(rows, environment, backend, channels, length, impl, mode);
        const [rf, ff, rb, fb] = [get("reference", "forward"), get("fused", "forward"), get("reference", "forward+backward"), get("fused", "forward+backward")];
        const speedup = rb && fb ? `${(rb.minMs / fb.minMs).toFixed(1)}×` : "—";
        lines.push(`${environment.padEnd(9)} ${backend.padEnd(7)} ${String(channels).padEnd(4)} ${String(length).padEnd(5)} ${ms(rf)} ${ms(ff)}  ${ms(rb)} ${ms(fb)}  ${speedup.padStart(11)}  ${fb ? perToken(fb).toFixed(2).padStart(10) : "—"}`);
      }
    }
  }
  return lines.join("\n");
}

/**
 * Fused forward+backward time per token from L=256 to 4096, max/min − 1, per environment, backend
 * and width: by the fastest run, and in Node also by the median CPU time.
 */
function perTokenSpread(rows: Row[]) {
  const out: {
    environment: Environment; backend: string; channels: number; usPerToken: Record<number, number>; spread: number;
    cpuUsPerToken?: Record<number, number>; cpuSpread?: number;
  }[] = [];
  const spread = (values: number[]) => Number((Math.max(...values) / Math.min(...values) - 1).toFixed(3));
  for (const key of new Set(rows.map((r) => `${r.environment}|${r.backend}`))) {
    const [environment, backend] = key.split("|") as [Environment, string];
    for (const channels of CHANNELS) {
      const usPerToken: Record<number, number> = {};
      const cpuUsPerToken: Record<number, number> = {};
      for (const length of LENGTHS.filter((l) => l >= 256)) {
        const r = find(rows, environment, backend, channels, length, "fused", "forward+backward");
        if (r) usPerToken[length] = Number(perToken(r).toFixed(3));
        if (r?.medianCpuMs !== undefined) cpuUsPerToken[length] = Number(((r.medianCpuMs / (r.batch * r.length)) * 1000).toFixed(3));
      }
      const values = Object.values(usPerToken);
      if (values.length < 2) continue;
      const cpu = Object.values(cpuUsPerToken);
      out.push({environment, backend, channels, usPerToken, spread: spread(values), ...(cpu.length > 1 ? {cpuUsPerToken, cpuSpread: spread(cpu)} : {})});
    }
  }
  return out;
}

/** PyTorch's reference loop on every cell, one thread; the reason instead where it cannot run. */
function benchTorch(): {cells: TorchCell[]; torch: string} | {skipped: string} {
  const missing = torchMissing();
  if (missing) return {skipped: missing};
  const r = runTorch<{torch: string; cells: TorchCell[]}>(TORCH_SCRIPT, [
    "--batch", String(BATCH), "--state", String(STATE), "--channels", CHANNELS.join(","), "--lengths", LENGTHS.join(","), "--threads", String(TORCH_THREADS)
  ], TORCH_THREADS);
  for (const c of r.cells) console.log(`torch ${TORCH_THREADS} thread D${c.channels} L${c.length} ${c.mode}: ${c.minMs.toFixed(1)} ms (cpu ${c.medianCpuMs.toFixed(1)} ms)`);
  return r;
}

/** The fused kernel's time over PyTorch's on each cell both timed, Node wasm: fastest run (wall) and median CPU time. */
function versusTorch(rows: Row[], cells: TorchCell[]) {
  return cells.flatMap((t) => {
    const f = find(rows, "node", "wasm", t.channels, t.length, "fused", t.mode);
    if (!f) return [];
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    return [{channels: t.channels, length: t.length, mode: t.mode, fusedMinMs: f.minMs, torchMinMs: t.minMs, wallRatio: ratio(f.minMs, t.minMs), ...(f.medianCpuMs === undefined ? {} : {cpuRatio: ratio(f.medianCpuMs, t.medianCpuMs)})}];
  });
}

async function main(): Promise<void> {
  const withBrowser = !process.argv.includes("--no-browser");
  const withTorch = !process.argv.includes("--no-torch");
  const started = new Date().toISOString();
  const loadAverageStart = os.loadavg();
  const rows: Row[] = [];
  const skipped: Skip[] = [];
  // PyTorch first: its cells take a minute, and a failure there should not waste the rest.
  const torch = withTorch ? benchTorch() : {skipped: "not requested (--no-torch)"};
  const kernel = kernelOnly();
  await benchNode(rows, skipped);
  const userAgent = withBrowser ? await benchChromium(rows, skipped) : null;
  const vsTorch = "cells" in torch ? versusTorch(rows, torch.cells) : [];
  const target = find(rows, "node", "wasm", 64, 64, "fused", "forward+backward");
  const targetVsTorch = vsTorch.find((v) => v.channels === 64 && v.length === 64 && v.mode === "forward+backward");
  const result = {
    benchmark: "selective scan, reference vs fused, forward and forward+backward (the gradient of every input)",
    started,
    machine: {
      cpu: os.cpus()[0].model,
      cores: os.cpus().length,
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      chromium: userAgent,
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
      note: "a shared 2-core machine: wall times include waiting for the CPU when other jobs run; medianCpuMs (Node) is this process's CPU time"
    },
    sizes: {batch: BATCH, state: STATE, channels: CHANNELS, lengths: LENGTHS, inputs: "u, delta, z [B,L,D]; A [D,N]; B, C [B,L,N]; D, deltaBias [D]; softplus on"},
    kernels: {
      cpu: "WebAssembly SIMD kernel (src/lib/mamba/kernels/scanSimd*.ts), four channels per vector; backward recomputes the states per channel group",
      wasm: "the same WebAssembly SIMD kernel",
      reference: "tf ops, one step per position, tf autograd"
    },
    target: target && {
      cell: "Node wasm, fused, forward+backward, B16 L64 D64 N16",
      medianMs: target.medianMs,
      minMs: target.minMs,
      medianCpuMs: target.medianCpuMs,
      goalMs: 25,
      goalVsTorch: GOAL_VS_TORCH,
      vsTorch: targetVsTorch ?? null
    },
    torch: "cells" in torch
      ? {script: TORCH_SCRIPT, version: torch.torch, threads: TORCH_THREADS, ompWaitPolicy: TORCH_OMP_WAIT_POLICY, what: "PyTorch's reference loop, one position at a time (state-spaces/mamba's selective_scan_ref), forward under no_grad and forward + autograd of every input", cells: torch.cells}
      : torch,
    fusedVsTorch: vsTorch,
    perTokenSpread: perTokenSpread(rows),
    kernelOnly: {
      what: "the WebAssembly SIMD kernel alone, forward + backward, fastest of 3 runs in CPU time (Node)",
      cells: kernel
    },
    results: rows,
    skipped
  };
  mkdirSync("data/bench", {recursive: true});
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${table(rows)}\n`);
  if (target) {
    const t = [`fastest ${target.minMs.toFixed(1)} ms`, `median ${target.medianMs.toFixed(1)} ms`, `median CPU ${target.medianCpuMs?.toFixed(1)} ms`];
    console.log(`target cell (Node wasm fused fwd+bwd, B16 L64 D64 N16): ${t.join(", ")}; goal ≤ 25 ms`);
  }
  if (targetVsTorch) {
    const cpu = targetVsTorch.cpuRatio === undefined ? "" : `, ${targetVsTorch.cpuRatio}× by median CPU time`;
    console.log(`target cell against PyTorch's loop in this run: ${targetVsTorch.wallRatio}× its time by fastest run${cpu}; goal ≤ ${GOAL_VS_TORCH}×`);
  }
  for (const s of result.perTokenSpread) {
    const cpu = s.cpuSpread === undefined ? "" : `, by CPU time ${(s.cpuSpread * 100).toFixed(0)}%`;
    console.log(`per-token spread L256–4096, ${s.environment} ${s.backend} D${s.channels}: fastest run ${(s.spread * 100).toFixed(0)}%${cpu}`);
  }
  for (const channels of CHANNELS) {
    const cells = kernel.filter((k) => k.channels === channels && k.length >= 256).map((k) => k.usPerToken);
    console.log(`kernel only, CPU µs/token L256–4096, D${channels}: ${cells.join(", ")} (spread ${((Math.max(...cells) / Math.min(...cells) - 1) * 100).toFixed(0)}%)`);
  }
  console.log(`wrote ${OUT}`);
}

await main();
