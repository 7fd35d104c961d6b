// `npm run data:reinforce`: writes the reinforced training set (data/reinforced/, committed)
// from the committed teachers, in identity groups of 16: per scene its captions, N stored
// augmentations, and both teachers' embeddings of exactly those views and of the 6 captions. Skips the work when the set on disk
// was made from the same teacher files with the same options (`npm start` and `build` call it).
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
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
// Groups of 16, as the teachers learned shape from (4 groups in a batch of 64).
const options = {samples: Number(args.get("samples") ?? 10_000), augmentations: Number(args.get("augmentations") ?? 2), seed: Number(args.get("seed") ?? 7), groupSize: Number(args.get("group-size") ?? 16)};
// Always ten shards: the site lists them by name (src/components/labData.ts), Framework needs literal
// paths. Whole groups per shard: a group is shuffled and batched from one shard.
const shardSamples = options.groupSize * Math.ceil(options.samples / options.groupSize / 10);
const teacherFiles = ["data/teachers/teacher-a.ckpt", "data/teachers/teacher-b.ckpt"];
for (const f of teacherFiles) if (!existsSync(f)) throw new Error(`${f} is missing: train the teachers first (npm run data:teachers)`);

const stamp = JSON.stringify({...options, teachers: teacherFiles.map((f) => ({file: f, crc32: crc32(readFileSync(f))}))});
const upToDate = (dir: string) => existsSync(`${dir}/made-from.json`) && readFileSync(`${dir}/made-from.json`, "utf8") === stamp && existsSync(`${dir}/manifest.json`);

// The new set is written beside the old one and swapped in whole, so a reader never sees half of
// each; a second writer (two `npm start`s) waits for the first instead of writing over it.
const partial = `${out}.partial`;
const lock = `${partial}/writer.pid`;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
while (existsSync(lock) && alive(Number(readFileSync(lock, "utf8")))) {
  console.log(`another data:reinforce (pid ${readFileSync(lock, "utf8")}) is writing ${partial}; waiting for it`);
  await new Promise((resolve) => setTimeout(resolve, 15_000));
}
if (upToDate(out)) {
  console.log(`${out} is up to date (made from the same teachers and options)`);
  process.exit(0);
}
rmSync(partial, {recursive: true, force: true});
mkdirSync(partial, {recursive: true});
writeFileSync(lock, String(process.pid));

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
  write: diskWriter(partial),
  embed: teacherEmbedFn(teachers.map((t) => t.model), tokenizer),
  onProgress: (done, total) => progressLine(done, total, started, "scenes")
});
writeFileSync(`${partial}/made-from.json`, stamp);
rmSync(lock);
rmSync(out, {recursive: true, force: true});
renameSync(partial, out);
console.log(`\n${out}: ${manifest.samples} scenes × ${manifest.augmentations} augmentations in ${manifest.shards.length} shards, teachers ${manifest.teachers.map((t) => `${t.name} (${t.dim}-d, scale ${t.logitScale?.toFixed(1)})`).join(", ")}`);
