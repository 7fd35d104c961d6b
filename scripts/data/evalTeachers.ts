// `npm run data:eval-teachers`: evaluates both teachers and their ensemble (each scene scored by
// the mean of the two teachers' cosine similarities: their normalised embeddings concatenated)
// on every suite, writes data/teachers/<name>.eval.jsonl, and rewrites the teachers' table in
// data/README.md between its markers.
import {readFileSync, writeFileSync} from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import type {ClipEncoders} from "../../src/lib/eval/encoders.js";
import {evaluate} from "../../src/lib/eval/evaluate.js";
import {aggregateScores} from "../../src/lib/eval/labGroups.js";
import {recordsToJsonl} from "../../src/lib/results/resultsView.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {decodeCheckpoint} from "../../src/lib/train/checkpoint.js";
import {clipEncoders} from "../../src/lib/train/clipEncoders.js";
import {modelFromCheckpoint} from "../../src/lib/train/models.js";
import {parseArgs} from "../progress.js";

// --per-set and --retrieval shrink the sets for a quick look; the committed table uses the defaults.
const args = parseArgs(process.argv.slice(2));
const sizes = {perSet: Number(args.get("per-set") ?? 500), retrievalCount: Number(args.get("retrieval") ?? 1000)};
// --dir evaluates teachers elsewhere (a trial run) and leaves the committed files and table alone.
const dir = args.get("dir") ?? "data/teachers";

if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
const sources = await loadSourcesFromDisk();
const teachers = ["a", "b"].map((k) => {
  const file = `${dir}/teacher-${k}.ckpt`;
  const checkpoint = decodeCheckpoint(readFileSync(file), file);
  return {name: `teacher-${k}`, step: checkpoint.step, ...modelFromCheckpoint(checkpoint)};
});
const encoders = teachers.map((t) => clipEncoders(t.model, t.tokenizer));

/** Concatenated unit rows over √K: a unit row whose cosine is the mean of the K teachers' cosines. */
function ensemble(parts: ClipEncoders[]): ClipEncoders {
  const join = async (rows: Float32Array[], n: number) => {
    const joined = tf.tidy(() => tf.div(tf.concat(rows.map((r) => tf.tensor2d(r, [n, r.length / n])), 1), Math.sqrt(rows.length)));
    const values = Float32Array.from(await joined.data());
    joined.dispose();
    return values;
  };
  return {
    encodeImages: async (batch) => join(await Promise.all(parts.map((p) => p.encodeImages(batch))), batch.count),
    encodeTexts: async (texts) => join(await Promise.all(parts.map((p) => p.encodeTexts(texts))), texts.length)
  };
}

const rows: string[] = [];
for (const [name, enc, step] of [...teachers.map((t, i) => [t.name, encoders[i], `step ${t.step}`] as const), ["ensemble", ensemble(encoders), "both"] as const]) {
  const started = Date.now();
  const results = await evaluate(enc, sources, {...sizes, onProgress: (key, done, total) => process.stdout.write(`\r${name}: ${done}/${total} ${key}\x1b[K`)});
  writeFileSync(`${dir}/${name}.eval.jsonl`, recordsToJsonl(results));
  const g = aggregateScores(results);
  const cell = (key: string) => results.find((r) => r.key === key)!.metrics.main_metric.toFixed(3);
  const suites = ["classification/digits", "classification/clothing", "classification/objects"].map(cell).join(" | ");
  rows.push(`| ${name} (${step}) | ${suites} | ${g.classification.toFixed(3)} | ${g.shift.toFixed(3)} | ${g.retrieval.toFixed(3)} | ${cell("specialised/digit_strip")} | ${cell("specialised/objects_128")} | ${cell("specialised/objects_256")} | ${g.average.toFixed(3)} |`);
  console.log(`\n${name}: average ${g.average.toFixed(3)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const table = [
  "<!-- teachers:start -->",
  "Zero-shot main metric (top-1 accuracy; mean recall@1 for retrieval) on the held-out suites,",
  "from `npm run data:eval-teachers` (files `data/teachers/*.eval.jsonl`):",
  "",
  "| model | digits | clothing | objects-20 | classification | shift | retrieval | digit strip | objects 128² (extrapolated) | objects 256² (extrapolated) | average |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "<!-- teachers:end -->"
].join("\n");
if (dir !== "data/teachers") process.exit(0);
const readme = readFileSync("data/README.md", "utf8");
const marked = /<!-- teachers:start -->[\s\S]*<!-- teachers:end -->/;
writeFileSync("data/README.md", marked.test(readme) ? readme.replace(marked, table) : `${readme.trimEnd()}\n\n## Teachers\n\n${table}\n`);
