// `npm run bench:live [-- --minutes 5 --query "…"]`: the live product goal, measured on the real
// train page in headless Chromium (wasm, as a visitor without a GPU gets): press Start with the
// default settings, and again with contrastive-only, and record for each the steps reached and
// every evaluation over the minutes a visitor waits. Writes data/bench/live.json with the
// machine, its load and the teachers' Objects-20 score the goal is measured against; earlier
// records stay in it under `earlier`.
import {readFileSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import {launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {DIST, requireBuiltSite} from "../../test/browser/site.js";
import {checkLiveRecord} from "../../src/lib/train/liveRecord.js";
import {DEFAULT_SETTINGS} from "../../src/lib/train/settings.js";
import {runScript, UsageError} from "../cli.js";
import {parseArgs} from "../progress.js";
import {earlierRecords} from "./earlierRecords.js";
import {machineInfo} from "./machine.js";

const OUT = "data/bench/live.json";
/** The suite the goal is stated on. */
const OBJECTS = "classification/objects";
/** Recorded beside it: scene retrieval is where a short run's students move first. */
const RETRIEVAL = "retrieval/scenes";

interface Sample {
  seconds: number;
  step: number;
  /** The latest evaluation the page shows, with the step it was taken at. */
  evalStep: number | null;
  objects: number | null;
  retrieval: number | null;
}

/** The teachers' mean Objects-20 score, from their committed evaluations. */
function teacherObjects(): number {
  const score = (file: string) => {
    const line = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)).find((l) => l.key === OBJECTS);
    if (!line) throw new Error(`${file}: no ${OBJECTS} line`);
    return line.metrics.main_metric as number;
  };
  return (score("data/teachers/teacher-a.eval.jsonl") + score("data/teachers/teacher-b.eval.jsonl")) / 2;
}

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) if (!["minutes", "query"].includes(key)) throw new UsageError(`unknown option --${key}; known: --minutes --query`);
  const minutes = Number(args.get("minutes") ?? 5);
  if (!(minutes > 0 && minutes <= 60)) throw new UsageError(`--minutes "${args.get("minutes")}": expected a number in (0, 60]`);
  // Extra settings for both arms (e.g. "eval=50"); the arms differ only in their weights.
  const extra = args.get("query") ?? "";
  requireBuiltSite();
  // Earlier records are kept beside the new one; a file this cannot read stops the run before it starts.
  const earlier = earlierRecords(OUT);
  earlier.forEach((record, i) => checkLiveRecord(record, `${OUT} (record ${i + 1})`));
  const teachers = teacherObjects();
  const arms = [
    {name: "distilled (default)", weights: [DEFAULT_SETTINGS.contrastiveWeight, DEFAULT_SETTINGS.distillWeight]},
    {name: "contrastive only", weights: [1, 0]}
  ];
  const server = await serveStatic(DIST);
  const browser = await launchChromium();
  const version = browser.version();
  const results = [];
  try {
    for (const arm of arms) {
      const query = [`wc=${arm.weights[0]}&wd=${arm.weights[1]}`, extra].filter(Boolean).join("&");
      const {page} = await openPage(browser, `${server.url}/notebooks/train?${query}`);
      await page.waitForSelector(".train-status", {timeout: 180_000});
      const loadBefore = loadavg()[0];
      await page.click(".train-start");
      const started = Date.now();
      const samples: Sample[] = [];
      while (Date.now() - started < minutes * 60_000) {
        await page.waitForTimeout(5_000);
        // No named functions inside: tsx would wrap them in a helper the page does not have.
        const sample = await page.evaluate((keys) => {
          const status = document.querySelector(".train-status");
          const table = document.querySelector("table.eval-table");
          const [objects, retrieval] = keys.map((key) => {
            const row = table?.querySelector(`tr[data-key="${key}"]`);
            return row ? Number(row.getAttribute("data-value")) : null;
          });
          return {
            step: Number(status?.getAttribute("data-step") ?? 0),
            evalStep: table ? Number(table.getAttribute("data-step")) : null,
            objects,
            retrieval
          };
        }, [OBJECTS, RETRIEVAL]);
        samples.push({seconds: (Date.now() - started) / 1000, ...sample});
        console.log(`${arm.name}: ${Math.round(samples.at(-1)!.seconds)} s, step ${sample.step}, objects ${sample.objects ?? "—"}, retrieval ${sample.retrieval ?? "—"} (eval at ${sample.evalStep ?? "—"})`);
      }
      await page.click(".train-pause");
      await page.close();
      const evaluations = samples.filter((s, i) => s.evalStep !== null && s.evalStep !== samples[i - 1]?.evalStep).map(({seconds, evalStep, objects, retrieval}) => ({seconds, step: evalStep, objects, retrieval}));
      const final = evaluations.at(-1)?.objects ?? null;
      const finalRetrieval = evaluations.at(-1)?.retrieval ?? null;
      results.push({arm: arm.name, weights: arm.weights, query, loadBefore, loadAfter: loadavg()[0], stepsReached: samples.at(-1)?.step ?? 0, evaluations, finalObjects: final, fractionOfTeachers: final === null ? null : final / teachers, finalRetrieval});
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const [distilled, contrastive] = results;
  const goal = 0.5 * teachers;
  const result = {
    benchmark: `the train page in headless Chromium (wasm), Start pressed with the default settings and with contrastive-only (1, 0), ${minutes} minutes each; evaluations as the page shows them (its live evaluation sets)`,
    minutes,
    browser: `headless Chromium ${version}`,
    machine: machineInfo(),
    defaults: DEFAULT_SETTINGS,
    teachersObjects: teachers,
    goal: {
      distilledAtLeast: goal,
      distilledMet: distilled.finalObjects !== null && distilled.finalObjects >= goal,
      contrastiveBehind: distilled.finalObjects !== null && contrastive.finalObjects !== null ? distilled.finalObjects - contrastive.finalObjects : null,
      contrastiveBehindOnRetrieval: distilled.finalRetrieval !== null && contrastive.finalRetrieval !== null ? distilled.finalRetrieval - contrastive.finalRetrieval : null
    },
    arms: results,
    earlier
  };
  writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${OUT}: distilled ${distilled.finalObjects ?? "—"} (goal ≥ ${goal.toFixed(3)}), contrastive-only ${contrastive.finalObjects ?? "—"} after ${minutes} min`);
});
