// `npm run bench:latency [-- --backend wasm --budget-gib 3 --browser --quick --note text]`: RQ2's latency study
// (Vim student against the matched ViT student, forward pass, batch 1 and 32, 64 → 4,096
// patches) in Node on tfjs's wasm backend, and with --browser also in headless Chromium on wasm,
// written to data/bench/latency.json with the machine, its load, the sizes and the summaries.
import {readFileSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import "@tensorflow/tfjs-backend-wasm";
import {activateBackend, isBackendName} from "../../src/lib/runtime/backendSelection.js";
import {FULL_PLAN, QUICK_PLAN, runLatencyStudy, STUDENT_CONFIGS, type LatencyPoint, type StudyPlan} from "../../src/lib/rq/latencyStudy.js";
import {summariseLatency} from "../../src/lib/rq/latencySummary.js";
import {parsePosterRq2, posterLatencyRatio} from "../../src/lib/rq/posterRq2.js";
import {bundleEntry, launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {parseArgs} from "../progress.js";
import {machineInfo} from "./machine.js";

const OUT = "data/bench/latency.json";
const args = parseArgs(process.argv.slice(2));
const backend = args.get("backend") ?? "wasm";
if (!isBackendName(backend) || backend === "webgl" || backend === "webgpu") throw new Error(`--backend must be wasm or cpu in Node, got "${backend}"`);
const budgetGiB = Number(args.get("budget-gib") ?? 3);
if (!(budgetGiB > 0)) throw new Error(`--budget-gib must be a positive number, got ${args.get("budget-gib")}`);
// Node has the whole wasm heap (4 GiB) to itself, so the budget is larger than a tab's default.
// --quick: the page's default study, to check the script itself.
// More passes than the page's, since the machine may be shared: the median then resists a busy moment.
const plan: StudyPlan = {...(args.get("quick") === "true" ? QUICK_PLAN : FULL_PLAN), repeats: 5, pointBudgetMs: 20_000, memoryBudgetBytes: budgetGiB * 2 ** 30, maxForwardMs: 60_000};
const posterRatio = posterLatencyRatio(parsePosterRq2(readFileSync("data/paper/dmclip_rq2.csv", "utf8"), "data/paper/dmclip_rq2.csv"));

const load = () => ({loadAverage1m: Number(loadavg()[0].toFixed(2)), at: new Date().toISOString()});
const summaries = (points: LatencyPoint[]) => plan.batches.map((b) => summariseLatency(points, b, {posterRatio}));
const targets = (points: LatencyPoint[]) => {
  const s = summariseLatency(points, 1, {posterRatio});
  const at4096 = s.largest && s.largest.tokens >= 4097 ? s.largest.ratio : null;
  const exponent = s.upperFits.vim?.exponent ?? null;
  return {
    batch: 1,
    ratioAt4096Tokens: at4096,
    ratioTarget: 0.5,
    ratioMet: at4096 === null ? null : at4096 <= 0.5,
    vimExponent: exponent,
    vimExponentTarget: 1.1,
    vimExponentMet: exponent === null ? null : exponent <= 1.1
  };
};

const result: Record<string, unknown> = {
  benchmark:
    "RQ2 latency: forward pass of the Vim student (VIM_STUDENT_DEFAULT) and the ViT student of matched parameter count (VIT_STUDENT), each built at every image size through its config; " +
    `warm-up ${plan.warmup}, median of up to ${plan.repeats} timed passes (read back each time); sizes ${plan.sizes.join(", ")} px at patch 8; batches ${plan.batches.join(", ")}; ` +
    `points over ${budgetGiB} GiB estimated peak memory are skipped with the reason`,
  machine: machineInfo(),
  note: args.get("note") ?? "load averages are recorded before and after each run; other processes may share the machine",
  configs: STUDENT_CONFIGS,
  plan,
  posterRatio,
  runs: [] as unknown[]
};
const save = () => writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
const log = (where: string) => (p: LatencyPoint) =>
  console.log(`${where} ${p.backend} batch ${p.batch} ${p.imageSize}px ${p.encoder}: ${p.status === "measured" ? `${p.medianMs!.toFixed(1)} ms [${p.timesMs.map((t) => t.toFixed(0)).join(", ")}]` : `skipped: ${p.reason}`}`);

// Node.
if (!(await activateBackend(backend))) throw new Error(`the ${backend} backend could not start`);
const before = load();
const nodeRun: Record<string, unknown> = {runtime: `Node ${process.version}`, backend, loadBefore: before, points: [] as LatencyPoint[], complete: false};
(result.runs as unknown[]).push(nodeRun);
const nodePoints = await runLatencyStudy(plan, {
  onPoint: (p) => {
    log("node")(p);
    (nodeRun.points as LatencyPoint[]).push(p);
    save(); // a crash midway still leaves the points measured so far (marked incomplete)
  }
});
Object.assign(nodeRun, {complete: true, loadAfter: load(), summaries: summaries(nodePoints), targets: targets(nodePoints)});
save();

// Chromium (wasm; its GPU backends run on SwiftShader here, which is no measure of anything).
if (args.get("browser") === "true") {
  const dir = await bundleEntry("test/browser/entries/rqLatency.ts");
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    const {page, log: pageLog} = await openPage(browser, `${server.url}/index.html`);
    await page.waitForFunction(() => "lab" in window);
    const browserPlan: StudyPlan = {...plan, batches: [1], memoryBudgetBytes: 2 ** 30};
    const loadBefore = load();
    const out = await page.evaluate(([p]) => (window as unknown as {lab: {study: (b: string, p: StudyPlan) => Promise<{backend: string; points: LatencyPoint[]}>}}).lab.study("wasm", p), [browserPlan] as const);
    out.points.forEach(log("chromium"));
    (result.runs as unknown[]).push({
      runtime: `headless Chromium ${browser.version()}`,
      backend: out.backend,
      plan: browserPlan,
      loadBefore,
      loadAfter: load(),
      complete: true,
      points: out.points,
      summaries: [summariseLatency(out.points, 1, {posterRatio})],
      targets: targets(out.points),
      consoleErrors: pageLog.errors
    });
    save();
  } finally {
    await browser.close();
    await server.close();
  }
}
for (const run of result.runs as {runtime: string; summaries: {sentences: string[]}[]}[]) {
  console.log(`\n${run.runtime}:`);
  for (const s of run.summaries) console.log(`  ${s.sentences.join("\n  ")}`);
}
console.log(`\nwritten to ${OUT}`);
