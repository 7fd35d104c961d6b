// `npm run data:teachers [-- --teacher a|b|both --steps N --batch B --group K --dir D]`: trains
// the two ViT CLIP teachers in Node (wasm) on a stream of fresh train-split scenes, in groups of
// K (16) that differ only by object (sceneStreamSource's identityGroup), checkpointing every --every
// steps to D/teacher-<name>.ckpt (weights + optimizer + step) and resuming from there when run
// again. The finished teachers are committed, weights only.
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {VIT_TEACHER_A, VIT_TEACHER_B} from "../../src/lib/clip/presets.js";
import {loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {sceneSeed} from "../../src/lib/data/scene.js";
import {sceneStreamSource} from "../../src/lib/train/batchSource.js";
import {decodeCheckpoint, encodeCheckpoint} from "../../src/lib/train/checkpoint.js";
import {clipModelFor, labTokenizer} from "../../src/lib/train/models.js";
import {Trainer} from "../../src/lib/train/trainer.js";
import {parseArgs, progressLine} from "../progress.js";

// The committed teachers' budgets. Measured side by side on this 2-core machine (`--teacher a`
// and `--teacher b` in two terminals, one wasm thread each): A 1,700 steps in 40 minutes, B
// 2,400 in 39 (A's step is ~1.45× B's). One after the other each runs at least as fast, so
// `--teacher both` stays within ~80 minutes: under the 90 allowed.
const TEACHERS = {a: {preset: VIT_TEACHER_A, steps: 1700}, b: {preset: VIT_TEACHER_B, steps: 2400}} as const;
const args = parseArgs(process.argv.slice(2));
const which = args.get("teacher") ?? "both";
if (!["a", "b", "both"].includes(which)) throw new Error(`--teacher must be a, b or both, got "${which}"`);
const stepsOption = args.has("steps") ? Number(args.get("steps")) : null;
const batchSize = Number(args.get("batch") ?? 64);
const every = Number(args.get("every") ?? 100);
const learningRate = Number(args.get("lr") ?? 1e-3);
const identityGroup = Number(args.get("group") ?? 16);
const dir = args.get("dir") ?? "data/teachers";
for (const [name, value] of Object.entries({...(stepsOption === null ? {} : {steps: stepsOption}), batchSize, every, group: identityGroup})) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} must be a positive integer, got ${value}`);
}

if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
const sources = await loadSourcesFromDisk();
const tokenizer = labTokenizer();

for (const key of which === "both" ? (["a", "b"] as const) : [which as "a" | "b"]) {
  const {preset} = TEACHERS[key];
  const steps = stepsOption ?? TEACHERS[key].steps;
  const file = `${dir}/teacher-${key}.ckpt`;
  const saved = existsSync(file) ? decodeCheckpoint(readFileSync(file), file) : null;
  if (saved && saved.step >= steps) {
    console.log(`teacher ${key}: already trained to step ${saved.step} (${file}); nothing to do`);
    continue;
  }
  const resumeFrom = saved?.step ?? 0;
  const trainer = await Trainer.create(
    {
      tokenizer,
      createModel: () => clipModelFor(preset, tokenizer),
      // A resumed run draws a fresh part of the stream rather than replaying its first scenes.
      createSource: async (s) => sceneStreamSource(sources, {batchSize: s.batchSize, seed: sceneSeed(s.seed, resumeFrom), identityGroup})
    },
    {contrastiveWeight: 1, distillWeight: 0, steps, warmupSteps: Math.round(steps / 10), learningRate, batchSize, seed: preset.seed, evalEvery: 0, weightDecay: 0.1}
  );
  if (saved) {
    if (!saved.optimizer) throw new Error(`${file} has no optimizer state to resume from; delete it to start over`);
    trainer.model.importWeights(saved.weights);
    trainer.restorePosition(saved.step, saved.optimizer);
    console.log(`teacher ${key}: resuming at step ${saved.step} from ${file}`);
  }
  const counts = trainer.model.parameterCounts();
  console.log(`teacher ${key}: ViT width ${preset.width}, depth ${preset.depth}; ${counts.image} image + ${counts.text} text parameters; ${steps} steps of batch ${batchSize} in groups of ${identityGroup} on ${tf.getBackend()}`);

  const save = async (withOptimizer: boolean) => {
    const bytes = encodeCheckpoint({
      model: trainer.model.config,
      tokenizer: tokenizer.toJSON(),
      weights: await trainer.model.exportWeights(),
      step: trainer.step,
      optimizer: withOptimizer ? await trainer.exportOptimizer() : undefined,
      meta: {teacher: key, settings: trainer.settings, identityGroup, logitScale: (await trainer.model.logitScale().data())[0], savedAt: new Date().toISOString()}
    });
    writeFileSync(file, bytes);
  };

  const started = Date.now();
  let ema: number | null = null;
  while (trainer.step < steps) {
    const m = await trainer.trainStep();
    ema = ema === null ? m.total : 0.98 * ema + 0.02 * m.total;
    progressLine(m.step - resumeFrom, steps - resumeFrom, started, `step ${m.step} loss ${ema.toFixed(3)} scale ${m.logitScale.toFixed(1)} ${m.imagesPerSecond.toFixed(0)} img/s`);
    if (m.step % every === 0 && m.step < steps) await save(true);
  }
  await save(false);
  console.log(`\nteacher ${key}: done, weights in ${file}`);
  trainer.dispose();
}
