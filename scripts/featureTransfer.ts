// `npm run pilot:feature-transfer -- --out data/runs/pilots/<name> [--teacher a] [--steps 1000]
// [--seed 1] [--student vim] [--lr 0.002] [--warmup 40] [--eval-every 250] [--per-set 200]
// [--retrieval 200] [--force]`: how fast can a student's image tower take on a teacher's view of
// the scenes at all? The student gets the teacher's text tower and logit scale, frozen
// (inheritTextTower), and its image tower is trained on feature distillation alone (featureLoss:
// the cosine to the teacher's stored embedding of the same augmented view), the most direct
// transfer of what the teacher sees that the reinforced set allows. Not DM-CLIP's objective: a
// yardstick for the live goal (README). Writes <out>/curve.json: the loss at every step and the
// zero-shot evaluations.
import {readFileSync, writeFileSync} from "node:fs";
import {cpus} from "node:os";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {diskReader, loadSourcesFromDisk} from "../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../src/lib/data/reinforcedLoader.js";
import {featureLoss} from "../src/lib/distill/featureLoss.js";
import {activateBackend} from "../src/lib/runtime/backendSelection.js";
import {AdamW, ADAMW_DEFAULTS} from "../src/lib/train/adamw.js";
import {decodeCheckpoint} from "../src/lib/train/checkpoint.js";
import {suiteEvaluator} from "../src/lib/train/clipEncoders.js";
import {clipByGlobalNorm} from "../src/lib/train/gradientClip.js";
import {labTokenizer, studentModel} from "../src/lib/train/models.js";
import {prefetchedSource} from "../src/lib/train/prefetchedSource.js";
import {warmupCosine} from "../src/lib/train/schedule.js";
import {DEFAULT_SETTINGS, parseSetting, type TrainSettings} from "../src/lib/train/settings.js";
import {inheritTextTower} from "../src/lib/train/textInheritance.js";
import type {EvalLine} from "../src/lib/train/trainer.js";
import {diskData, spawnBatchWorkerThread} from "./batchWorkerThread.js";
import {runScript, UsageError} from "./cli.js";
import {countFlag, parseArgs, progressLine, switchFlag} from "./progress.js";
import {prepareOutput} from "./trainOptions.js";

const DATA = "data/reinforced";
const SETTING_FLAGS = {steps: "steps", seed: "seed", student: "student", lr: "learningRate", warmup: "warmupSteps", "eval-every": "evalEvery"} as const;
const KNOWN = ["out", "force", "teacher", "per-set", "retrieval", ...Object.keys(SETTING_FLAGS)];

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) if (!KNOWN.includes(key)) throw new UsageError(`unknown option --${key}; known: ${KNOWN.map((k) => `--${k}`).join(" ")}`);
  const out = args.get("out");
  if (out === undefined || out === "true") throw new UsageError("--out <folder> is required (e.g. --out data/runs/pilots/feature-transfer-a)");
  const s: Pick<TrainSettings, (typeof SETTING_FLAGS)[keyof typeof SETTING_FLAGS]> = {steps: 1000, seed: 1, student: "vim", learningRate: DEFAULT_SETTINGS.learningRate, warmupSteps: DEFAULT_SETTINGS.warmupSteps, evalEvery: 250};
  for (const [flag, key] of Object.entries(SETTING_FLAGS)) {
    const text = args.get(flag);
    if (text === undefined) continue;
    const {value, problem} = parseSetting(key, text);
    if (problem) throw new UsageError(`--${flag} ${JSON.stringify(text)}: ${key} ${problem}`);
    (s as Record<string, unknown>)[key] = value;
  }
  if (s.warmupSteps > s.steps) throw new UsageError(`--warmup ${s.warmupSteps} must not exceed --steps ${s.steps}`);
  const [perSet, retrieval] = [countFlag(args, "per-set", 200), countFlag(args, "retrieval", 200)];
  const teacherName = `teacher-${args.get("teacher") ?? "a"}`;
  if (!["teacher-a", "teacher-b"].includes(teacherName)) throw new UsageError(`--teacher ${JSON.stringify(args.get("teacher"))}: expected a or b`);
  prepareOutput(out, switchFlag(args, "force"));

  if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
  const sources = await loadSourcesFromDisk();
  const set = await ReinforcedSet.open(diskReader(DATA));
  const teacherIndex = set.manifest.teachers.findIndex((t) => t.name === teacherName);
  if (teacherIndex < 0) throw new UsageError(`--teacher: ${DATA} holds no embeddings of ${teacherName} (it has ${set.manifest.teachers.map((t) => t.name).join(", ")})`);
  const teacher = decodeCheckpoint(readFileSync(`data/teachers/${teacherName}.ckpt`), teacherName);
  const tokenizer = labTokenizer();
  const model = studentModel(s.student, tokenizer, s.seed);
  const frozen = new Set(inheritTextTower(model, tokenizer, teacher));
  const params = new Map([...model.namedVariables()].filter(([name]) => !frozen.has(name)));
  const trained = [...params.values()];
  const optimizer = new AdamW(params, {...ADAMW_DEFAULTS, weightDecay: DEFAULT_SETTINGS.weightDecay});
  const source = prefetchedSource(spawnBatchWorkerThread, set, diskData(DATA), {batchSize: DEFAULT_SETTINGS.batchSize, seed: s.seed, groupedBatches: false});
  const [offset, dim] = [source.teacherDims.slice(0, teacherIndex).reduce((a, b) => a + b, 0), source.teacherDims[teacherIndex]];
  const evaluate = suiteEvaluator(sources, {perSet, retrievalCount: retrieval});

  console.log(`feature transfer from ${teacherName} into a ${s.student} image tower: ${s.steps} steps of batch ${DEFAULT_SETTINGS.batchSize}, seed ${s.seed}, text tower and logit scale inherited and frozen`);
  const loss: number[] = [];
  const evaluations: {step: number; lines: EvalLine[]}[] = [];
  const started = Date.now();
  let outcome = `finished ${s.steps} steps`;
  for (let step = 1; step <= s.steps; step++) {
    const batch = await source.next();
    const {count: size, height, width, data} = batch.images;
    const rows = batch.teacher!.image;
    const value = tf.tidy(() => {
      const images = tf.tensor4d(data, [size, height, width, 3]);
      const all = tf.tensor2d(rows, [size, rows.length / size]);
      const target = tf.slice(all, [0, offset], [size, dim]) as tf.Tensor2D;
      const {value, grads} = tf.variableGrads(() => featureLoss(model.encodeImage(images), target), trained);
      const named: tf.NamedTensorMap = {};
      for (const [name, v] of params) named[name] = grads[v.name];
      optimizer.apply(clipByGlobalNorm(named, DEFAULT_SETTINGS.clipNorm).grads, s.learningRate * warmupCosine(step - 1, s.warmupSteps, s.steps));
      return value;
    });
    const [l] = await value.data();
    value.dispose();
    if (!Number.isFinite(l)) {
      outcome = `diverged at step ${step}: the loss is ${l} (try a lower --lr)`;
      process.exitCode = 1;
      break;
    }
    loss.push(l);
    progressLine(step, s.steps, started, `loss ${l.toFixed(4)}`);
    if (step % s.evalEvery === 0 || step === s.steps) {
      const lines = await evaluate(model, tokenizer);
      evaluations.push({step, lines});
      console.log(`\nstep ${step} evaluation: ${lines.map((x) => `${x.key} ${Number(x.metrics.main_metric).toFixed(3)}`).join(", ")}`);
    }
  }
  source.dispose?.();
  model.dispose();
  optimizer.dispose();
  const machine = `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`;
  const record = {kind: "feature-transfer", teacher: teacherName, ...s, batchSize: DEFAULT_SETTINGS.batchSize, perSet, retrieval, backend: tf.getBackend(), machine, seconds: (Date.now() - started) / 1000, outcome, loss, evaluations};
  writeFileSync(`${out}/curve.json`, JSON.stringify(record) + "\n");
  console.log(`\n${outcome}; wrote ${out}/curve.json`);
});
