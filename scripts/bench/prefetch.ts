// `npm run bench:prefetch -- [--rounds R] [--steps N]` → data/bench/prefetch.json: what
// drawing a batch costs, and the Vim student's training step (Node wasm, default settings) with
// its batches drawn on the trainer's thread between steps against drawn ahead in a worker thread
// (prefetchedSource.ts). The two alternate in rounds in one process, so both see the same load.
// Each step is timed on the wall clock and in process CPU time (user + system, all threads: with
// prefetch it includes the worker's drawing), with the wait inside `next()` apart, and the load
// average beside it. Earlier recordings stay in the file's `runs`.
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {diskReader, loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../src/lib/data/reinforcedLoader.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {reinforcedSource, type BatchSource} from "../../src/lib/train/batchSource.js";
import {labTokenizer, studentModel} from "../../src/lib/train/models.js";
import {PREFETCH_DEPTH, prefetchedSource} from "../../src/lib/train/prefetchedSource.js";
import {DEFAULT_SETTINGS, type TrainSettings} from "../../src/lib/train/settings.js";
import {Trainer} from "../../src/lib/train/trainer.js";
import {diskData, spawnBatchWorkerThread} from "../batchWorkerThread.js";
import {runScript, UsageError} from "../cli.js";
import {countFlag, parseArgs} from "../progress.js";
import {machineInfo} from "./machine.js";
import {median} from "../../src/lib/rq/latencyStudy.js";

const OUT = "data/bench/prefetch.json";
const DATA = "data/reinforced";
const WARMUP = 2;
const DRAWS = 20;

const round1 = (x: number) => Math.round(x * 10) / 10;
const cpuMs = () => {
  const {user, system} = process.cpuUsage();
  return (user + system) / 1000;
};
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

interface Timed {
  wallMs: number;
  cpuMs: number;
}

async function timed<T>(f: () => Promise<T>): Promise<Timed & {value: T}> {
  const [w0, c0] = [performance.now(), cpuMs()];
  const value = await f();
  return {wallMs: performance.now() - w0, cpuMs: cpuMs() - c0, value};
}

const summary = (xs: Timed[]) => ({medianWallMs: round1(median(xs.map((x) => x.wallMs))), medianCpuMs: round1(median(xs.map((x) => x.cpuMs))), n: xs.length});

/** One batch of the default settings drawn on this thread: what the step waited for before prefetching. */
async function drawCost(set: ReinforcedSet, sources: Awaited<ReturnType<typeof loadSourcesFromDisk>>) {
  const source = reinforcedSource(set, sources, DEFAULT_SETTINGS);
  const draws: Timed[] = [];
  for (let i = 0; i < WARMUP + DRAWS; i++) {
    const t = await timed(() => source.next());
    if (i >= WARMUP) draws.push(t);
  }
  return summary(draws);
}

/** `steps` Vim steps after the warm-up, each with the time its `next()` waited for a batch. */
async function trainSteps(prefetch: boolean, set: ReinforcedSet, sources: Awaited<ReturnType<typeof loadSourcesFromDisk>>, steps: number) {
  let waitedMs = 0;
  const waiting = (source: BatchSource): BatchSource => ({
    ...source,
    next: async () => {
      const t0 = performance.now();
      const batch = await source.next();
      waitedMs += performance.now() - t0;
      return batch;
    },
    dispose: () => source.dispose?.()
  });
  const createSource = async (s: TrainSettings) => waiting(prefetch ? prefetchedSource(spawnBatchWorkerThread, set, diskData(DATA), s) : reinforcedSource(set, sources, s));
  const tokenizer = labTokenizer();
  const trainer = await Trainer.create({tokenizer, createModel: (s) => studentModel(s.student, tokenizer, s.seed), createSource}, {student: "vim", evalEvery: 0});
  const loadBefore = load();
  const rows: (Timed & {waitMs: number})[] = [];
  try {
    for (let i = 0; i < WARMUP + steps; i++) {
      waitedMs = 0;
      const t = await timed(() => trainer.trainStep());
      if (i >= WARMUP) rows.push({wallMs: t.wallMs, cpuMs: t.cpuMs, waitMs: waitedMs});
    }
  } finally {
    trainer.dispose();
  }
  return {prefetch, ...summary(rows), medianWaitMs: round1(median(rows.map((r) => r.waitMs))), steps: rows.map((r) => ({wallMs: round1(r.wallMs), cpuMs: round1(r.cpuMs), waitMs: round1(r.waitMs)})), loadBefore, loadAfter: load()};
}

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) if (key !== "rounds" && key !== "steps") throw new UsageError(`unknown option --${key}; known: --rounds --steps`);
  const rounds = countFlag(args, "rounds", 2);
  const steps = countFlag(args, "steps", 5);

  if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
  const sources = await loadSourcesFromDisk();
  const set = await ReinforcedSet.open(diskReader(DATA));
  const loadAtStart = load();
  const draw = await drawCost(set, sources);
  console.log(`drawing one batch of ${DEFAULT_SETTINGS.batchSize}: ${draw.medianWallMs} ms wall, ${draw.medianCpuMs} ms CPU (median of ${DRAWS})`);
  const results: ({round: number} & Awaited<ReturnType<typeof trainSteps>>)[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const prefetch of [false, true]) {
      const row = await trainSteps(prefetch, set, sources, steps);
      console.log(`round ${r + 1}, ${prefetch ? "prefetch" : "no prefetch"}: step ${row.medianWallMs} ms wall, ${row.medianCpuMs} ms CPU, waited ${row.medianWaitMs} ms for its batch; load ${row.loadBefore.join(" ")}`);
      results.push({round: r + 1, ...row});
    }
  }
  const pooled = (prefetch: boolean) => {
    const all = results.filter((x) => x.prefetch === prefetch).flatMap((x) => x.steps);
    return {...summary(all), medianWaitMs: round1(median(all.map((s) => s.waitMs)))};
  };
  const run = {
    machine: machineInfo(),
    backend: tf.getBackend(),
    sizes: {student: "vim", batch: DEFAULT_SETTINGS.batchSize, imageSize: set.manifest.scene.size, groupedBatches: DEFAULT_SETTINGS.groupedBatches, prefetchDepth: PREFETCH_DEPTH, warmupSteps: WARMUP, stepsPerRound: steps, rounds},
    loadAverage: {start: loadAtStart, end: load()},
    batchDraw: draw,
    step: {withoutPrefetch: pooled(false), withPrefetch: pooled(true)},
    rounds: results
  };
  const earlier = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, "utf8")).runs as unknown[]) : [];
  const file = {
    benchmark: `the Vim student's training step (Node wasm, default settings: batch ${DEFAULT_SETTINGS.batchSize}, 64×64 scenes, DM-CLIP loss with the two stored teachers) with its batches drawn between steps on the trainer's thread ("withoutPrefetch") against drawn ${PREFETCH_DEPTH} ahead in a worker thread ("withPrefetch"), alternating in rounds in one process; and one batch drawn on the trainer's thread ("batchDraw"). CPU is the process's user + system time over all its threads (with prefetch it includes the worker's drawing); waitMs is the time a step's next() waited for its batch. Medians over the steps after ${WARMUP} warm-up steps per round. Load averages (1, 5, 15 min) beside each round: the machine was shared.`,
    runs: [...earlier, run]
  };
  writeFileSync(OUT, JSON.stringify(file, null, 2) + "\n");
  console.log(`wrote ${OUT}: step without prefetch ${run.step.withoutPrefetch.medianWallMs} ms wall, with ${run.step.withPrefetch.medianWallMs} ms`);
});
