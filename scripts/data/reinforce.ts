// `npm run data:reinforce`: writes the reinforced training set (data/reinforced/, not committed)
// from the committed teachers: per scene its captions, N stored augmentations, and both teachers'
// embeddings of exactly those views and of the 6 captions. Skips the work when the set on disk
// was made from the same teacher files with the same options (`npm start` and `build` call it).
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import "@tensorflow/tfjs-backend-wasm";
import {crc32} from "../../src/lib/data/crc32.js";
import {diskWriter, loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {writeReinforcedSet} from "../../src/lib/data/reinforcedWriter.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {decodeCheckpoint} from "../../src/lib/train/checkpoint.js";
import {modelFromCheckpoint} from "../../src/lib/train/models.js";
import {teacherEmbedFn} from "../../src/lib/train/teacherEmbedding.js";
import {parseArgs, progressLine} from "../progress.js";

const args = parseArgs(process.argv.slice(2));
const out = args.get("out") ?? "data/reinforced";
const options = {samples: Number(args.get("samples") ?? 10_000), augmentations: Number(args.get("augmentations") ?? 2), seed: Number(args.get("seed") ?? 7)};
// Always ten shards: the site lists them by name (src/components/labData.ts), Framework needs literal paths.
const shardSamples = Math.ceil(options.samples / 10);
const teacherFiles = ["data/teachers/teacher-a.ckpt", "data/teachers/teacher-b.ckpt"];
for (const f of teacherFiles) if (!existsSync(f)) throw new Error(`${f} is missing: train the teachers first (npm run data:teachers)`);

const stampFile = `${out}/made-from.json`;
const stamp = JSON.stringify({...options, teachers: teacherFiles.map((f) => ({file: f, crc32: crc32(readFileSync(f))}))});
if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && existsSync(`${out}/manifest.json`)) {
  console.log(`${out} is up to date (made from the same teachers and options)`);
  process.exit(0);
}

if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
const teachers = teacherFiles.map((f) => ({name: f.replace(/^.*\/|\.ckpt$/g, ""), ...modelFromCheckpoint(decodeCheckpoint(readFileSync(f), f))}));
const tokenizer = teachers[0].tokenizer;
const scales = await Promise.all(teachers.map(async (t) => (await t.model.logitScale().data())[0]));

const started = Date.now();
const manifest = await writeReinforcedSet({
  ...options,
  sources: await loadSourcesFromDisk(),
  teachers: teachers.map((t, i) => ({name: t.name, dim: t.model.image.embedDim, logitScale: scales[i]})),
  shardSamples,
  chunk: 64,
  write: diskWriter(out),
  embed: teacherEmbedFn(teachers.map((t) => t.model), tokenizer),
  onProgress: (done, total) => progressLine(done, total, started, "scenes")
});
writeFileSync(stampFile, stamp);
console.log(`\n${out}: ${manifest.samples} scenes × ${manifest.augmentations} augmentations in ${manifest.shards.length} shards, teachers ${manifest.teachers.map((t) => `${t.name} (${t.dim}-d, scale ${t.logitScale?.toFixed(1)})`).join(", ")}`);
