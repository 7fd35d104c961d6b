// `npm run data:teachers [-- --teacher a|b|both --steps N --dir D --snapshot DIR]`: trains the two
// ViT CLIP teachers (convolutional stem, identity groups of 16) and writes them as lab checkpoints
// D/teacher-<name>.ckpt, which the reinforced set, the evaluations and the pages load.
//
// 1. The training data: teacherStream.ts writes a pool of 2,400 batches (153,600 scenes in groups
//    of 16, seeded, so a second machine gets the same bytes) into D/stream/, two halves at once.
// 2. The arithmetic: teachers_torch.py, one process per teacher side by side (one thread each),
//    resuming from D/train/teacher-<name>.pt, which is committed as training goes (docs/teachers.md
//    says why PyTorch and how long it takes). Needs Debian's python3-torch ($PYTHON overrides the
//    interpreter).
// 3. The result: its weights, in the lab's names and layout, become a checkpoint through ClipModel's
//    own importWeights, which checks every name and shape against the preset.
// --snapshot DIR writes checkpoints of the teachers as they are now into DIR (to evaluate a run
// in progress with `npm run data:eval-teachers -- --dir DIR`) and trains nothing.
import {spawn} from "node:child_process";
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync} from "node:fs";
import {VIT_TEACHER_A, VIT_TEACHER_B} from "../../src/lib/clip/presets.js";
import type {NamedWeights} from "../../src/lib/clip/clipModel.js";
import {encodeCheckpoint} from "../../src/lib/train/checkpoint.js";
import {clipModelFor, labTokenizer} from "../../src/lib/train/models.js";
import {parseArgs} from "../progress.js";

const TEACHERS = {a: VIT_TEACHER_A, b: VIT_TEACHER_B} as const;
// The schedule on which a teacher of B's size reached 0.71 on Objects-20 (docs/teachers.md).
const STEPS = 9600;
const POOL = {seed: 1, batches: 2400, parts: 2, batchSize: 64, group: 16};
const args = parseArgs(process.argv.slice(2));
const fail = (message: string): never => {
  console.error(`data:teachers: ${message}`);
  process.exit(2);
};
const which = args.get("teacher") ?? "both";
if (!["a", "b", "both"].includes(which)) fail(`--teacher must be a, b or both, got "${which}"`);
const stepsOption = args.has("steps") ? Number(args.get("steps")) : null;
if (stepsOption !== null && !(Number.isInteger(stepsOption) && stepsOption > 0)) fail(`--steps must be a positive integer, got "${args.get("steps")}"`);
const dir = args.get("dir") ?? "data/teachers";
const snapshot = args.get("snapshot");
const python = process.env.PYTHON ?? "/usr/bin/python3";
const names = which === "both" ? (["a", "b"] as const) : [which as "a" | "b"];
const tokenizer = labTokenizer();

/** The Python side's weight file: a JSON line (meta, arrays with name, shape, offset in floats), then float32 LE. */
function readWeightFile(file: string): {meta: Record<string, unknown>; weights: NamedWeights} {
  const bytes = readFileSync(file);
  const newline = bytes.indexOf(10);
  if (newline < 0) fail(`${file} has no header line`);
  const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as {meta: Record<string, unknown>; arrays: {name: string; shape: number[]; offset: number}[]};
  const start = newline + 1;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const weights: NamedWeights = new Map();
  for (const {name, shape, offset} of header.arrays) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > floats.length) fail(`${file}: array ${name} runs past the end of the file`);
    weights.set(name, {values: floats.slice(offset, offset + size), shape});
  }
  return {meta: header.meta, weights};
}

/** Writes the weights that teachers_torch.py left for `name` as a lab checkpoint in `outDir`. */
async function writeCheckpoint(name: "a" | "b", outDir: string): Promise<void> {
  const source = `${dir}/train/teacher-${name}.weights.bin`;
  if (!existsSync(source)) fail(`${source} does not exist yet: teacher ${name} has not reached its first checkpoint`);
  const {meta, weights} = readWeightFile(source);
  const model = clipModelFor(TEACHERS[name], tokenizer);
  try {
    model.importWeights(weights);
    mkdirSync(outDir, {recursive: true});
    const file = `${outDir}/teacher-${name}.ckpt`;
    writeFileSync(file, encodeCheckpoint({model: model.config, tokenizer: tokenizer.toJSON(), weights: await model.exportWeights(), step: Number(meta.step), meta}));
    console.log(`teacher ${name}: step ${meta.step} of ${meta.steps} written to ${file}`);
  } finally {
    model.dispose();
  }
}

function run(command: string, argv: string[], stdoutFile?: string): Promise<void> {
  const out = stdoutFile ? openSync(stdoutFile, "w") : "inherit";
  const child = spawn(command, argv, {stdio: ["ignore", out, "inherit"]});
  return new Promise<void>((resolve, reject) => {
    child.on("error", (e) => reject(new Error(`${command}: ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${argv.join(" ")} exited with ${code}`))));
  }).finally(() => {
    if (typeof out === "number") closeSync(out);
  });
}

/** The pool's parts, written where missing or short (a part is complete at its size). */
async function ensurePool(): Promise<string> {
  const poolDir = `${dir}/stream`;
  mkdirSync(poolDir, {recursive: true});
  const per = POOL.batches / POOL.parts;
  const record = POOL.batchSize * 64 * 64 * 3 + POOL.batchSize * tokenizer.contextLength * 4;
  const jobs = Array.from({length: POOL.parts}, (_, k) => k * per).map(async (from) => {
    const file = `${poolDir}/pool-${from}.bin`;
    if (existsSync(file)) {
      const head = Buffer.alloc(1 << 16);
      const fd = openSync(file, "r");
      const read = readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      const header = head.subarray(0, read).indexOf(10) + 1;
      if (header > 0 && statSync(file).size - header === per * record) return;
    }
    console.log(`pool: writing batches ${from}–${from + per - 1} to ${file}`);
    const argv = ["tsx", "scripts/data/teacherStream.ts", "--seed", `${POOL.seed}`, "--from", `${from}`, "--batches", `${per}`, "--batch", `${POOL.batchSize}`, "--group", `${POOL.group}`];
    await run("npx", argv, file);
  });
  await Promise.all(jobs);
  return poolDir;
}

if (snapshot) {
  for (const name of names) await writeCheckpoint(name, snapshot);
} else {
  const poolDir = await ensurePool();
  const trainDir = `${dir}/train`;
  mkdirSync(trainDir, {recursive: true});
  // A missing python3-torch or a failed run is one line, not a stack trace.
  await Promise.all(
    names.map(async (name) => {
      const model = clipModelFor(TEACHERS[name], tokenizer);
      const config = {name, model: model.config};
      model.dispose();
      const configFile = `${trainDir}/teacher-${name}.config.json`;
      writeFileSync(configFile, JSON.stringify(config, null, 1) + "\n");
      await run(python, ["scripts/data/teachers_torch.py", "--config", configFile, "--pool", poolDir, "--out", trainDir, "--steps", `${stepsOption ?? STEPS}`, "--threads", "1"]);
      await writeCheckpoint(name, dir);
    })
  ).catch((error: Error) => fail(error.message));
}
