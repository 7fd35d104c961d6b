// `npm run bench:latency [-- --backend wasm --budget-gib 3 --rounds 3 --large-batch-sizes 64,128 --keep-earlier --browser --quick --note text]`: RQ2's
// latency study (Vim student against the matched ViT student, forward pass, batch 1 and 32, 64 →
// 4,096 patches) in Node on tfjs's wasm backend, and with --browser also in headless Chromium on
// wasm (batch 1), each run --rounds times and the passes pooled, written to
// data/bench/latency.json with the machine, its load in each round, the sizes and the summaries
// on the wall clock and (Node only: browsers have no CPU clock) on process CPU time.
// --large-batch-sizes: fewer sizes for batch 32, where a busy machine makes each pass minutes long.
// --keep-earlier: the file's previous runs move under "earlier", so old figures stay beside new ones.
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import "@tensorflow/tfjs-backend-wasm";
import {activateBackend, isBackendName} from "../../src/lib/runtime/backendSelection.js";
import {onCpuClock} from "../../src/lib/rq/latencyClocks.js";
import {FULL_PLAN, QUICK_PLAN, runLatencyStudy, STUDENT_CONFIGS, STUDENT_TOKENS, type LatencyPoint, type StudyPlan} from "../../src/lib/rq/latencyStudy.js";
import {summariseLatency, type TimedPoint} from "../../src/lib/rq/latencySummary.js";
import {latencyTargets} from "../../src/lib/rq/latencyTargets.js";
import {poolRuns} from "../../src/lib/rq/pooledRuns.js";
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
const rounds = Number(args.get("rounds") ?? 3);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds must be an integer ≥ 1, got ${args.get("rounds")}`);
// Node has the whole wasm heap (4 GiB) to itself, so the budget is larger than a tab's default.
// --quick: the page's default study, to check the script itself.
// Rounds minutes apart meet different loads on a shared machine, and their pooled passes give
// each median, and the bootstrap intervals, that spread; within a round three passes suffice.
// The slow-size limit only guards against sizes that would take minutes; load alone can stretch a pass tenfold.
const plan: StudyPlan = {...(args.get("quick") === "true" ? QUICK_PLAN : FULL_PLAN), repeats: 3, pointBudgetMs: 20_000, memoryBudgetBytes: budgetGiB * 2 ** 30, maxForwardMs: 180_000};
const largeBatchSizes = args.has("large-batch-sizes") ? args.get("large-batch-sizes")!.split(",").map(Number) : plan.sizes;
if (largeBatchSizes.some((s) => !plan.sizes.includes(s))) throw new Error(`--large-batch-sizes must be some of ${plan.sizes.join(",")}, got ${args.get("large-batch-sizes")}`);
const planOf = (batch: number): StudyPlan => ({...plan, batches: [batch], sizes: batch === 1 ? plan.sizes : largeBatchSizes});
const earlier = args.get("keep-earlier") === "true" && existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : null;
const posterRatio = posterLatencyRatio(parsePosterRq2(readFileSync("data/paper/dmclip_rq2.csv", "utf8"), "data/paper/dmclip_rq2.csv"));

const load = () => ({loadAverage1m: Number(loadavg()[0].toFixed(2)), at: new Date().toISOString()});
const summaries = (points: readonly TimedPoint[], batches: readonly number[]) => batches.map((b) => summariseLatency(points, b, {posterRatio, nativeTokens: STUDENT_TOKENS}));
/** Everything a run's pooled points say, on each clock the runtime had. */
const findings = (points: LatencyPoint[], batches: readonly number[]) => {
  const cpu = onCpuClock(points);
  const measured = points.filter((p) => p.status === "measured");
  const total = (f: (p: LatencyPoint) => readonly number[]) => measured.reduce((s, p) => s + f(p).reduce((a, b) => a + b, 0), 0);
  return {
    summaries: summaries(points, batches),
    targets: latencyTargets(summariseLatency(points, 1, {posterRatio, nativeTokens: STUDENT_TOKENS})),
    ...(cpu.length === 0
      ? {cpu: null}
      : {
          cpu: {
            // Near 1: the passes had the cores to themselves; well below: other jobs held them.
            cpuOverWall: total((p) => p.cpuTimesMs!) / total((p) => p.timesMs),
            summaries: summaries(cpu, batches),
            targets: latencyTargets(summariseLatency(cpu, 1, {posterRatio, nativeTokens: STUDENT_TOKENS}))
          }
        })
  };
};

const result: Record<string, unknown> = {
  benchmark:
    "RQ2 latency: forward pass of the Vim student (VIM_STUDENT_DEFAULT) and the ViT student of matched parameter count (VIT_STUDENT), each built at every image size through its config; " +
    `warm-up ${plan.warmup}, up to ${plan.repeats} timed passes (read back each time) in each of ${rounds} rounds, the median of all of them; wall time and, in Node, process CPU time (user + system) per pass; ` +
    `sizes ${plan.sizes.join(", ")} px at patch 8 (${largeBatchSizes.join(", ")} px above batch 1); batches ${plan.batches.join(", ")}; points over ${budgetGiB} GiB estimated peak memory are skipped with the reason; ` +
    "95% intervals resample each point's pooled passes (2,000 seeded bootstraps) and refit; a target is met only when its whole interval meets it",
  machine: machineInfo(),
  note: args.get("note") ?? "load averages are recorded before and after each round; other processes may share the machine",
  configs: STUDENT_CONFIGS,
  plan,
  largeBatchSizes,
  rounds,
  posterRatio,
  runs: [] as unknown[],
  // Earlier recordings, newest first, as they were written.
  ...(earlier ? {earlier: [{machine: earlier.machine, benchmark: earlier.benchmark, note: earlier.note, plan: earlier.plan, runs: earlier.runs}, ...(earlier.earlier ?? [])]} : {})
};
const save = () => writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
const log = (where: string) => (p: LatencyPoint) =>
  console.log(
    `${where} ${p.backend} batch ${p.batch} ${p.imageSize}px ${p.encoder}: ${p.status === "measured" ? `${p.medianMs!.toFixed(1)} ms [${p.timesMs.map((t) => t.toFixed(0)).join(", ")}]${p.cpuTimesMs ? ` CPU [${p.cpuTimesMs.map((t) => t.toFixed(0)).join(", ")}]` : ""}` : `skipped: ${p.reason}`}`
  );

// Node.
if (!(await activateBackend(backend))) throw new Error(`the ${backend} backend could not start`);
const nodeRounds: {loadBefore: unknown; loadAfter?: unknown; points: LatencyPoint[]}[] = [];
const nodeRun: Record<string, unknown> = {runtime: `Node ${process.version}`, backend, loadBefore: load(), rounds: [] as unknown[], points: [] as LatencyPoint[], complete: false};
(result.runs as unknown[]).push(nodeRun);
for (let r = 0; r < rounds; r++) {
  const round: (typeof nodeRounds)[number] = {loadBefore: load(), points: []};
  nodeRounds.push(round);
  for (const batch of plan.batches) {
    await runLatencyStudy(planOf(batch), {
      onPoint: (p) => {
        log(`node round ${r + 1}`)(p);
        round.points.push(p);
        // A crash midway still leaves the points measured so far (marked incomplete).
        Object.assign(nodeRun, {rounds: nodeRounds.map(({loadBefore, loadAfter}) => ({loadBefore, loadAfter})), points: poolRuns(nodeRounds.map((x) => x.points))});
        save();
      }
    });
  }
  round.loadAfter = load();
}
const nodePoints = poolRuns(nodeRounds.map((x) => x.points));
Object.assign(nodeRun, {complete: true, loadAfter: load(), rounds: nodeRounds.map(({loadBefore, loadAfter}) => ({loadBefore, loadAfter})), points: nodePoints, ...findings(nodePoints, plan.batches)});
save();

// Chromium (wasm; its GPU backends run on SwiftShader here, which is no measure of anything).
if (args.get("browser") === "true") {
  const dir = await bundleEntry("test/browser/entries/rqLatency.ts");
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    const {page, log: pageLog} = await openPage(browser, `${server.url}/index.html`);
    await page.waitForFunction(() => "lab" in window);
    const browserPlan: StudyPlan = {...planOf(1), memoryBudgetBytes: 2 ** 30};
    const loadBefore = load();
    const browserRounds: {loadBefore: unknown; loadAfter: unknown}[] = [];
    const runs: LatencyPoint[][] = [];
    let browserBackend = "";
    for (let r = 0; r < rounds; r++) {
      const roundLoad = load();
      const out = await page.evaluate(([p]) => (window as unknown as {lab: {study: (b: string, p: StudyPlan) => Promise<{backend: string; points: LatencyPoint[]}>}}).lab.study("wasm", p), [browserPlan] as const);
      out.points.forEach(log(`chromium round ${r + 1}`));
      browserRounds.push({loadBefore: roundLoad, loadAfter: load()});
      runs.push(out.points);
      browserBackend = out.backend;
    }
    const points = poolRuns(runs);
    (result.runs as unknown[]).push({
      runtime: `headless Chromium ${browser.version()}`,
      backend: browserBackend,
      plan: browserPlan,
      loadBefore,
      loadAfter: load(),
      rounds: browserRounds,
      complete: true,
      points,
      ...findings(points, browserPlan.batches),
      consoleErrors: pageLog.errors
    });
    save();
  } finally {
    await browser.close();
    await server.close();
  }
}
for (const run of result.runs as {runtime: string; summaries: {sentences: string[]}[]; targets: unknown; cpu: {cpuOverWall: number; summaries: {sentences: string[]}[]; targets: unknown} | null}[]) {
  console.log(`\n${run.runtime}, wall time:`);
  for (const s of run.summaries) console.log(`  ${s.sentences.join("\n  ")}`);
  console.log(`  targets: ${JSON.stringify(run.targets)}`);
  if (run.cpu) {
    console.log(`${run.runtime}, CPU time (CPU/wall over all passes ${run.cpu.cpuOverWall.toFixed(2)}):`);
    for (const s of run.cpu.summaries) console.log(`  ${s.sentences.join("\n  ")}`);
    console.log(`  targets: ${JSON.stringify(run.cpu.targets)}`);
  }
}
console.log(`\nwritten to ${OUT}`);
