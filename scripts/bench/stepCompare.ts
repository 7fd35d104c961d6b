// Before and after on a shared machine: one training step of a model (src/lib/runtime/speedStep.ts)
// timed in alternating processes, one per source tree, so that both see the same load:
//   npx tsx scripts/bench/stepCompare.ts --trees <before>,<after> [--model vim-student] [--rounds 2] [--steps 4]
//     [--out data/bench/step-compare.json]
// A tree is a checkout of this repository with node_modules reachable (for an older commit:
// `git archive <commit> src scripts package.json | tar -x -C <dir>` and a node_modules link).
// CPU time is the figure to compare: other jobs inflate wall time many times over on 2 cores.
// Internally, `--child <tree>` times the steps of one process and prints one JSON line.
import {spawnSync} from "node:child_process";
import {mkdirSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import {dirname, resolve} from "node:path";
import {parseArgs} from "node:util";
import {machineInfo} from "./machine.js";
import {median} from "../../src/lib/rq/latencyStudy.js";

const {values: args} = parseArgs({
  options: {
    trees: {type: "string"},
    child: {type: "string"},
    model: {type: "string", default: "vim-student"},
    rounds: {type: "string", default: "2"},
    steps: {type: "string", default: "4"},
    out: {type: "string", default: "data/bench/step-compare.json"}
  }
});
const round = (x: number) => Math.round(x * 10) / 10;

interface ChildResult {
  tree: string;
  cpuMs: number[];
  wallMs: number[];
  loss: number;
  tensorsAdded: number;
  loadAverage: number;
}

async function child(tree: string): Promise<ChildResult> {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  const {installSpeedFixes} = await import(resolve(tree, "src/lib/runtime/speedFixes.ts"));
  const {trainingStep} = await import(resolve(tree, "src/lib/runtime/speedStep.ts"));
  if (!(await tf.setBackend("wasm"))) throw new Error("stepCompare: could not start the wasm backend");
  await tf.ready();
  installSpeedFixes("wasm");
  const step = trainingStep(args.model, {batch: 64});
  await step.run(); // first-call setup and V8's tier-up stay out of the figures
  const before = tf.memory().numTensors;
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  let loss = NaN;
  for (let i = 0; i < Number(args.steps); i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    loss = await step.run();
    wallMs.push(round(performance.now() - started));
    const used = process.cpuUsage(cpu);
    cpuMs.push(round((used.user + used.system) / 1000));
  }
  const tensorsAdded = tf.memory().numTensors - before;
  step.dispose();
  return {tree, cpuMs, wallMs, loss, tensorsAdded, loadAverage: round(loadavg()[0])};
}

if (args.child) {
  console.log(JSON.stringify(await child(args.child)));
} else {
  if (!args.trees) throw new Error("stepCompare: --trees <before>,<after> is required");
  const trees = args.trees.split(",");
  const runs: ChildResult[] = [];
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const tree of trees) {
      const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1], "--child", tree, "--model", args.model, "--steps", args.steps], {encoding: "utf8"});
      if (run.status !== 0) throw new Error(`stepCompare: the run of ${tree} failed:\n${run.stderr}`);
      const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as ChildResult;
      runs.push(result);
      console.log(`${tree}: median ${median(result.cpuMs)} ms CPU, ${median(result.wallMs)} ms wall (load ${result.loadAverage}); loss ${result.loss}`);
    }
  }
  const summary = trees.map((tree) => {
    const mine = runs.filter((r) => r.tree === tree);
    return {tree, medianCpuMs: median(mine.flatMap((r) => r.cpuMs)), medianWallMs: median(mine.flatMap((r) => r.wallMs)), loss: mine[0].loss};
  });
  const report = {
    benchmark: `one ${args.model} training step (batch 64, 65 tokens, Node wasm, 1 thread), source trees timed in alternating processes`,
    machine: machineInfo(),
    model: args.model,
    rounds: Number(args.rounds),
    stepsPerProcess: Number(args.steps),
    summary,
    runs
  };
  mkdirSync(dirname(args.out), {recursive: true});
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
}
