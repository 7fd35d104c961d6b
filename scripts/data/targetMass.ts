// `npm run data:target-mass [-- --batches 16 --seed 1]`: how much shape the teachers' targets
// carry at each teacher scale. Draws ordinary batches of 64 from the reinforced set (one shard
// each, samples shuffled singly, a random stored augmentation and the ground-truth caption, as
// the trainer draws them), builds the distillation targets exactly as training does
// (teacherTargets: each teacher's softmax, then their mean) and prints, per scale, the mean
// probability on the image's own caption, per caption that shares an object class with the image
// (redrawn from the stored scene, not read from the caption), and per other caption.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {diskReader, loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../src/lib/data/reinforcedLoader.js";
import {sampleKey, storedScene} from "../../src/lib/data/reinforcedFormat.js";
import {teacherTargets} from "../../src/lib/distill/distillLoss.js";
import {targetMass, type TargetMass} from "../../src/lib/distill/targetMass.js";
import {Rng} from "../../src/lib/random/rng.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {runScript, UsageError} from "../cli.js";
import {countFlag, parseArgs} from "../progress.js";

const BATCH = 64;
const FIXED_SCALES = [20, 10, 5];

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) if (!["batches", "seed"].includes(key)) throw new UsageError(`unknown option --${key}; known: --batches --seed`);
  const batches = countFlag(args, "batches", 16);
  const rng = new Rng(countFlag(args, "seed", 1));
  if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
  const set = await ReinforcedSet.open(diskReader("data/reinforced"));
  const sources = await loadSourcesFromDisk();
  const m = set.manifest;
  const own = m.teachers.map((t) => t.logitScale);
  if (own.some((s) => s === undefined)) throw new UsageError("data/reinforced/manifest.json: a teacher has no logitScale; npm run data:reinforce records them");
  const settings = [{label: `each teacher's own (${own.map((s) => s!.toFixed(1)).join(", ")})`, scales: own as number[]}, ...FIXED_SCALES.map((s) => ({label: String(s), scales: m.teachers.map(() => s)}))];
  const offsets = m.teachers.map((_, k) => m.teachers.slice(0, k).reduce((sum, t) => sum + t.dim, 0));
  const results = settings.map(() => [] as TargetMass[]);
  for (let b = 0; b < batches; b++) {
    const shard = await set.readShard(rng.int(m.shards.length));
    const picks = rng.shuffle(Array.from({length: shard.samples}, (_, i) => i)).slice(0, BATCH);
    const classes = picks.map((i) => new Set(storedScene(sources, sampleKey(shard, i, m.groupSize)).items.map((item) => item.classId)));
    const related = (i: number, j: number) => [...classes[i]].some((c) => classes[j].has(c));
    // One stored augmentation per sample, the same for both teachers; caption 0 is the ground truth.
    const imageRows = picks.map((i) => i * m.augmentations + rng.int(m.augmentations));
    const textRows = picks.map((i) => i * m.texts);
    const slice = (from: Float32Array, rows: number[], k: number) => {
      const [start, dim] = [offsets[k], m.teachers[k].dim];
      return tf.tensor2d(rows.flatMap((r) => Array.from(from.subarray(r * m.embedDim + start, r * m.embedDim + start + dim))), [BATCH, dim]);
    };
    const images = m.teachers.map((_, k) => slice(shard.imageEmb, imageRows, k));
    const texts = m.teachers.map((_, k) => slice(shard.textEmb, textRows, k));
    for (const [s, {scales}] of settings.entries()) {
      const {imageToText, textToImage} = teacherTargets(images, texts, scales);
      results[s].push(targetMass(await imageToText.data(), BATCH, related));
      tf.dispose([imageToText, textToImage]);
    }
    tf.dispose([...images, ...texts]);
  }
  const mean = (rows: TargetMass[], key: keyof TargetMass) => rows.reduce((sum, r) => sum + r[key], 0) / rows.length;
  console.log(`${batches} ordinary batches of ${BATCH}; ${(100 * mean(results[0], "relatedPairs")).toFixed(1)}% of caption pairs share an object class`);
  console.log("| teacher scale | own caption | per caption sharing a class | per other caption | ratio |");
  console.log("|---|---|---|---|---|");
  for (const [s, {label}] of settings.entries()) {
    const [d, r, o] = [mean(results[s], "diagonal"), mean(results[s], "perRelated"), mean(results[s], "perOther")];
    console.log(`| ${label} | ${d.toFixed(3)} | ${r.toFixed(4)} | ${o.toFixed(4)} | ${(r / o).toFixed(2)} |`);
  }
});
