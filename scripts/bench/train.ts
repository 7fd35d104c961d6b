// `npm run bench:train` → data/bench/train.json: training throughput of the default students
// (Node wasm; Chromium wasm through the train notebook), and how responsive the notebook stays
// while its worker trains: the longest event-loop delay on the page during training, against
// the step time a main-thread trainer would block for (a step's wasm kernels run synchronously,
// so a trainer on the page could yield only between steps).
import {writeFileSync} from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {diskReader, loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../src/lib/data/reinforcedLoader.js";
import {median} from "../../src/lib/rq/latencyStudy.js";
import {activateBackend} from "../../src/lib/runtime/backendSelection.js";
import {reinforcedSource} from "../../src/lib/train/batchSource.js";
import {labTokenizer, studentModel} from "../../src/lib/train/models.js";
import {DEFAULT_SETTINGS} from "../../src/lib/train/settings.js";
import {Trainer} from "../../src/lib/train/trainer.js";
import {launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {DIST, requireBuiltSite} from "../../test/browser/site.js";
import {earlierRecords} from "./earlierRecords.js";
import {machineInfo} from "./machine.js";

const OUT = "data/bench/train.json";
const WARMUP = 2;
const STEPS = 6;

async function nodeThroughput(student: "vim" | "vit") {
  const sources = await loadSourcesFromDisk();
  const set = await ReinforcedSet.open(diskReader("data/reinforced"));
  const tokenizer = labTokenizer();
  const trainer = await Trainer.create(
    {tokenizer, createModel: (s) => studentModel(s.student, tokenizer, s.seed), createSource: async (s) => reinforcedSource(set, sources, s)},
    {student, evalEvery: 0}
  );
  const stepMs: number[] = [];
  for (let i = 0; i < WARMUP + STEPS; i++) {
    const t0 = performance.now();
    await trainer.trainStep();
    if (i >= WARMUP) stepMs.push(performance.now() - t0);
  }
  trainer.dispose();
  const ms = median(stepMs);
  return {where: "node", backend: tf.getBackend(), student, batch: DEFAULT_SETTINGS.batchSize, stepMs: ms, imagesPerSecond: (1000 * DEFAULT_SETTINGS.batchSize) / ms};
}

async function chromium(student: "vim" | "vit") {
  requireBuiltSite();
  const server = await serveStatic(DIST);
  const browser = await launchChromium();
  try {
    const {page} = await openPage(browser, `${server.url}/notebooks/train?student=${student}&eval=0`);
    await page.waitForSelector(".train-status", {timeout: 120_000});
    await page.click(".train-start");
    await page.waitForFunction(() => Number(document.querySelector(".train-status")?.getAttribute("data-step")) >= 2, null, {timeout: 300_000});
    // While the worker trains, schedule 0 ms timers back to back and keep the worst delay.
    const lag = await page.evaluate(async () => {
      let worst = 0;
      const end = performance.now() + 5000;
      while (performance.now() < end) {
        const t0 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 0));
        worst = Math.max(worst, performance.now() - t0);
      }
      return worst;
    });
    const before = await page.$eval(".train-status", (el) => Number(el.getAttribute("data-step")));
    const t0 = Date.now();
    await page.waitForFunction(({from, steps}) => Number(document.querySelector(".train-status")?.getAttribute("data-step")) >= from + steps, {from: before, steps: STEPS}, {timeout: 600_000});
    const stepMs = (Date.now() - t0) / STEPS;
    const backend = await page.getAttribute(".backend-badge", "data-backend");
    return {where: `headless Chromium ${browser.version()}`, backend, student, batch: DEFAULT_SETTINGS.batchSize, stepMs, imagesPerSecond: (1000 * DEFAULT_SETTINGS.batchSize) / stepMs, pageWorstEventLoopDelayMs: lag};
  } finally {
    await browser.close();
    await server.close();
  }
}

if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
const rows = [];
for (const student of ["vim", "vit"] as const) rows.push(await nodeThroughput(student));
for (const student of ["vim", "vit"] as const) rows.push(await chromium(student));
const result = {
  benchmark: `one training step of the default students (batch ${DEFAULT_SETTINGS.batchSize}, 64×64 scenes, DM-CLIP loss with the two stored teachers), median of ${STEPS} after ${WARMUP} warm-up steps; in Chromium through the train notebook's worker, with the page's worst event-loop delay while it trains`,
  machine: machineInfo(),
  rows,
  // Earlier recordings (other machines, other code) stay beside the new one, newest first.
  earlier: earlierRecords(OUT)
};
writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
console.table(rows);
