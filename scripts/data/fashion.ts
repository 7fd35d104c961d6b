// Converts the Fashion-MNIST subset the lab uses from Debian's dataset-fashion-mnist (IDX files)
// into data/sources/fashion.bin, so users never need the Debian package.
//   npx tsx scripts/data/fashion.ts [--dir /usr/share/datasets/fashion-mnist]
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {gunzipSync} from "node:zlib";
import {FASHION_CLASS_NAMES} from "../../src/lib/data/classes.js";
import {diskWriter, SOURCES_DIR} from "../../src/lib/data/nodeFiles.js";
import {encodeSourceSet, GLYPH_SIZE, makeSplit, type SourceSplit} from "../../src/lib/data/sourceSet.js";
import {sourceFile} from "../../src/lib/data/sources.js";

// Per class: 800 training glyphs from the training file, 200 test glyphs from the test file.
const TRAIN_PER_CLASS = 800;
const TEST_PER_CLASS = 200;

const dirFlag = process.argv.indexOf("--dir");
const dir = dirFlag >= 0 ? process.argv[dirFlag + 1] : "/usr/share/datasets/fashion-mnist";

function readIdx(file: string, magic: number): {data: Uint8Array; count: number} {
  const bytes = gunzipSync(readFileSync(join(dir, file)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: IDX magic ${view.getUint32(0).toString(16)}, expected ${magic.toString(16)}`);
  const dims = magic & 0xff;
  return {data: bytes.subarray(4 + 4 * dims), count: view.getUint32(4)};
}

/** The first `perClass` glyphs of each class, in file order. */
function firstPerClass(prefix: string, perClass: number): SourceSplit {
  const images = readIdx(`${prefix}-images-idx3-ubyte.gz`, 0x803);
  const labels = readIdx(`${prefix}-labels-idx1-ubyte.gz`, 0x801);
  if (images.count !== labels.count) throw new Error(`${prefix}: ${images.count} images but ${labels.count} labels`);
  const taken = new Array(10).fill(0);
  const chosen: number[] = [];
  for (let i = 0; i < labels.count && chosen.length < 10 * perClass; i++) {
    if (taken[labels.data[i]] < perClass) {
      taken[labels.data[i]]++;
      chosen.push(i);
    }
  }
  if (chosen.length !== 10 * perClass) throw new Error(`${prefix}: only ${chosen.length} glyphs for ${perClass} per class`);
  const n = GLYPH_SIZE * GLYPH_SIZE;
  const pixels = new Uint8Array(chosen.length * n);
  chosen.forEach((i, k) => pixels.set(images.data.subarray(i * n, (i + 1) * n), k * n));
  const origin = `fashion-mnist ${prefix}-images-idx3-ubyte`;
  return makeSplit(Uint8Array.from(chosen, (i) => labels.data[i]), Uint32Array.from(chosen), origin, pixels, 10);
}

const bytes = await encodeSourceSet({
  name: "fashion",
  classes: FASHION_CLASS_NAMES,
  splits: {train: firstPerClass("train", TRAIN_PER_CLASS), test: firstPerClass("t10k", TEST_PER_CLASS)}
});
await diskWriter(SOURCES_DIR)(sourceFile("fashion"), bytes);
console.log(`wrote ${join(SOURCES_DIR, sourceFile("fashion"))}: ${bytes.length} bytes`);
