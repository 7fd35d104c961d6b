// `tsx scripts/data/teacherStream.ts --seed S --from N --batches M --batch B --group K`: writes
// batches N … N+M−1 of the teachers' training stream to stdout for scripts/data/teachers_torch.py,
// so that the scenes, their augmentations, captions and token ids all come from the lab's own
// code (sceneStreamSource and the lab tokenizer) and PyTorch only does the arithmetic. First one
// JSON line (sizes and the tokenizer), then per batch: images uint8 [B, size, size, 3] (the
// augmented pixels × 255, rounded) and tokens int32 [B, context], little-endian, back to back.
import {once} from "node:events";
import {loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {sceneSeed} from "../../src/lib/data/scene.js";
import {sceneStreamSource} from "../../src/lib/train/batchSource.js";
import {labTokenizer} from "../../src/lib/train/models.js";
import {parseArgs} from "../progress.js";

const args = parseArgs(process.argv.slice(2));
const option = (name: string, fallback: number): number => {
  const value = Number(args.get(name) ?? fallback);
  if (!(Number.isInteger(value) && value >= 0)) {
    console.error(`teacherStream: --${name} must be an integer ≥ 0, got "${args.get(name)}"`);
    process.exit(2);
  }
  return value;
};
const seed = option("seed", 1);
const from = option("from", 0);
const batchSize = option("batch", 64);
const identityGroup = option("group", 16);
const batches = option("batches", 2400);
const size = 64;

const sources = await loadSourcesFromDisk();
const tokenizer = labTokenizer();
// A resumed run draws a fresh part of the stream rather than replaying its first scenes.
const source = sceneStreamSource(sources, {batchSize, seed: sceneSeed(seed, from), identityGroup, size});
process.stdout.on("error", () => process.exit(0)); // the reader closed the pipe: done
process.stdout.write(JSON.stringify({seed, from, batches, batchSize, identityGroup, size, contextLength: tokenizer.contextLength, tokenizer: tokenizer.toJSON()}) + "\n");
for (let k = 0; k < batches; k++) {
  const batch = await source.next();
  const tokens = new Int32Array(batchSize * tokenizer.contextLength);
  batch.captions.forEach((caption, i) => tokens.set(tokenizer.encode(caption), i * tokenizer.contextLength));
  const pixels = Uint8Array.from(batch.images.data, (v) => Math.round(v * 255));
  process.stdout.write(pixels);
  if (!process.stdout.write(Buffer.from(tokens.buffer))) await once(process.stdout, "drain");
}
