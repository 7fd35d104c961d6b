// Writes data/samples.png (training scenes, numbered row by row) and data/eval-samples.png (one
// row per evaluation suite), and the training scenes' captions into data/README.md between the
// "samples" markers.   npx tsx scripts/data/samples.ts
import {readFileSync, writeFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {groundTruthCaption, syntheticCaptions} from "../../src/lib/data/captions.js";
import type {RgbImage} from "../../src/lib/data/image.js";
import {loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {renderLayout, renderScene} from "../../src/lib/data/render.js";
import {sampleScene, sceneSeed} from "../../src/lib/data/scene.js";
import {evalTasks} from "../../src/lib/eval/evaluate.js";
import {SUITES} from "../../src/lib/eval/suites.js";
import {encodePng} from "./png.js";

const DATA = fileURLToPath(new URL("../../data/", import.meta.url));
const TILE = 64;
const GAP = 4;

/** Tiles (square, any render size) shown at `shown` pixels in rows, on a white sheet. */
function sheet(rows: RgbImage[][], shown: number): RgbImage {
  const cell = shown + GAP;
  const width = Math.max(...rows.map((r) => r.length)) * cell + GAP;
  const height = rows.length * cell + GAP;
  const data = new Float32Array(width * height * 3).fill(1);
  rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const step = tile.width / shown;
      for (let y = 0; y < shown; y++) {
        for (let x = 0; x < shown; x++) {
          const src = 3 * (Math.floor(y * step) * tile.width + Math.floor(x * step));
          data.set(tile.data.subarray(src, src + 3), 3 * ((GAP + r * cell + y) * width + GAP + c * cell + x));
        }
      }
    })
  );
  return {width, height, data};
}

const sources = await loadSourcesFromDisk();

const COLUMNS = 4;
const scenes = Array.from({length: COLUMNS * 3}, (_, i) => sampleScene(sceneSeed(2026, i), sources, "train"));
const rows = Array.from({length: 3}, (_, r) => scenes.slice(r * COLUMNS, (r + 1) * COLUMNS).map((s) => renderScene(s, sources, TILE)));
writeFileSync(`${DATA}samples.png`, encodePng(sheet(rows, 2 * TILE)));

const tasks = evalTasks(sources, {perSet: 40, retrievalCount: 40});
const evalRows = SUITES.map((suite) => {
  const task = tasks.get(suite.key)!;
  // Every fifth image, so the 20-class sets show clothing as well as digits.
  return [0, 5, 10, 15, 20, 25, 30, 35].map((i) => renderLayout(task.set.layouts[i], sources, task.size));
});
// Shown at 64 px (the high-resolution rows downsampled): noisy tiles make large PNGs.
writeFileSync(`${DATA}eval-samples.png`, encodePng(sheet(evalRows, TILE)));

const lines = scenes.map((scene, i) => [`${i + 1}. **${groundTruthCaption(scene)}**`, ...syntheticCaptions(scene).map((c) => `   - ${c}`)].join("\n"));
const readmePath = `${DATA}README.md`;
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- samples:start -->";
const end = "<!-- samples:end -->";
if (!readme.includes(start) || !readme.includes(end)) throw new Error(`${readmePath} needs the markers ${start} and ${end}`);
writeFileSync(readmePath, `${readme.slice(0, readme.indexOf(start) + start.length)}\n${lines.join("\n")}\n${readme.slice(readme.indexOf(end))}`);
console.log(`wrote ${DATA}samples.png, ${DATA}eval-samples.png and the captions in ${readmePath}`);
