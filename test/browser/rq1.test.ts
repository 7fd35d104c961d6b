import {existsSync, readFileSync} from "node:fs";
import type {Page} from "playwright-core";
import {describe, expect, it} from "vitest";
import {RQ1_PREREGISTRATION} from "../../src/lib/rq/rq1Preregistration.js";
import {SWEEP_METRICS} from "../../src/lib/rq/sweepTable.js";
import {runExport, sweep} from "../node/rq/fixtures.js";
import {openPage} from "./harness.js";
import {builtSiteInChromium, settledCellErrors, settledCells} from "./site.js";

const site = builtSiteInChromium();

/** Opens the RQ1 page, optionally serving other contents for its bundled assets (name → JSON). */
async function open(assets: Record<string, unknown> = {}): Promise<{page: Page; errors: string[]}> {
  // A test that serves its own sweep also hides the pre-registered one, whose verdict would share the page's selectors.
  const served = "rq1-runs" in assets ? {"rq1-preregistered": {complete: false, manifest: null, runs: [], problems: []}, ...assets} : assets;
  const serve = async (page: Page) => {
    for (const [name, body] of Object.entries(served)) {
      await page.route(`**/_file/assets/rq/${name}.*.json`, (route) => route.fulfill({contentType: "application/json", body: JSON.stringify(body)}));
    }
  };
  const {page, log} = await openPage(site.browser, `${site.server.url}/notebooks/rq1`, {before: serve});
  await page.waitForSelector("main h1");
  expect(await settledCellErrors(page)).toEqual([]);
  return {page, errors: log.errors};
}

const bundle = (score: (lambda: number, seed: number) => number) => ({
  manifest: "data/runs/rq1/index.json",
  runs: sweep([0, 0.25, 0.5, 0.75, 1], [1, 2, 3], score).map((r) => ({...r, source: r.source.replace("test", "rq1")})),
  problems: []
});

describe("the RQ1 page", () => {
  it("shows the poster's table with the best of each column in bold, its charts, and the ≈10% check", async () => {
    const {page, errors} = await open();
    const csv = readFileSync("data/paper/dmclip_rq1.csv", "utf8").trim().split("\n").map((l) => l.split(","));
    const columns = csv[0].slice(3);
    const maxima = columns.map((_, j) => Math.max(...csv.slice(1).map((row) => Number(row[3 + j]))));
    // Inputs.table fills its rows after the cell has settled: wait for every column's best.
    await page.waitForFunction((n) => document.querySelectorAll(".rq-best").length >= n, columns.length, {timeout: 120_000});
    const best = await page.$$eval(".rq-best", (els) => els.map((e) => ({metric: (e as HTMLElement).dataset.metric, value: Number(e.textContent)})));
    expect(best.map((b) => b.metric).sort()).toEqual([...columns].sort());
    for (const b of best) expect(b.value).toBe(maxima[columns.indexOf(b.metric!)]);
    expect(await page.$$eval("form table tbody tr, .observablehq table tbody tr", (trs) => trs.length)).toBeGreaterThanOrEqual(4);
    // One chart per column: the four weightings, and a ring on the best.
    const circles = await page.$$eval(".rq-poster-chart figure", (figs) => figs.map((f) => [(f as HTMLElement).dataset.metric, f.querySelectorAll("circle").length]));
    expect(circles).toEqual(columns.map((c) => [c, 5]));
    expect(await page.$$eval(".rq-gain-chart svg rect", (r) => r.length)).toBeGreaterThanOrEqual(columns.length);
    const claim = await page.textContent(".rq-claim");
    expect(claim).toContain("from −6.8% (Flickr30k I→T) to +9.9% (IN-val)");
    expect(await page.textContent(".rq-peaks")).toMatch(/^4 of the 7 metrics peak at the poster's chosen weighting/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the committed sweep, or says honestly that there is none", async () => {
    const {page} = await open();
    const manifest = "data/runs/rq1/index.json";
    if (existsSync(manifest)) {
      const listed = (JSON.parse(readFileSync(manifest, "utf8")) as {runs: unknown[]}).runs.length;
      expect(await page.textContent(".rq-runs-summary")).toMatch(new RegExp(`^${listed} runs from`));
      expect(await page.$$eval(".rq-sweep-chart", (c) => c.length)).toBeGreaterThan(0);
    } else {
      expect(await page.textContent(".rq-no-runs")).toContain("No runs committed yet.");
      expect(await page.$$(".rq-verdict")).toHaveLength(0);
      expect(await page.$$(".rq-sweep-chart")).toHaveLength(0);
    }
    await page.close();
  });

  it("shows the pre-registered sweep as the committed files have it", async () => {
    const {page} = await open();
    const root = "data/runs/preregistered/rq1";
    const finished = existsSync(`${root}/progress.json`) ? (JSON.parse(readFileSync(`${root}/progress.json`, "utf8")) as {runs: unknown[]}).runs.length : 0;
    const state = existsSync(`${root}/index.json`) ? "complete" : finished > 0 ? "interim" : "not-started";
    expect(await page.getAttribute(".rq1-preregistered", "data-state")).toBe(state);
    expect(await page.getAttribute(".rq1-preregistered", "data-planned")).toBe("55");
    if (state === "interim") expect(await page.getAttribute(".rq1-preregistered", "data-finished")).toBe(String(finished));
    expect(await page.$$(".rq1-preregistered-verdict")).toHaveLength(state === "not-started" ? 0 : 1);
    if (state !== "not-started") {
      expect(await page.getAttribute(".rq1-preregistered-verdict", "data-complete")).toBe(String(state === "complete"));
      const said = await page.textContent(".rq1-preregistered");
      if (state === "complete") expect(said).toContain("The verdict below is the pre-registered one.");
      else expect(said).toContain("not the verdict");
      // A suite's row says "beyond noise" only where its Holm-corrected p says so.
      const rows = await page.$$eval(".rq1-preregistered-verdict table.rq-findings tbody tr", (trs) => trs.map((tr) => ({...(tr as HTMLElement).dataset})));
      for (const r of rows.filter((r) => r.kind === "suite" && r.p !== "" && Number(r.p) >= RQ1_PREREGISTRATION.alpha)) expect(["weak", "weak-reversed", "tie"]).toContain(r.outcome);
    }
    await page.close();
  });

  it("calls a part-done pre-registered sweep an interim look, never the verdict, and shows each arm's seeds", async () => {
    const runs = sweep([0, 0.75], [1, 2, 3], (l, s) => 0.4 + 0.02 * l + 0.005 * s).map((r) => ({...r, settings: {...r.settings, dr: true, steps: 1000}}));
    const partial = {complete: false, manifest: "data/runs/preregistered/rq1/progress.json", runs, problems: []};
    const {page, errors} = await open({"rq1-preregistered": partial});
    expect(await page.getAttribute(".rq1-preregistered", "data-state")).toBe("interim");
    expect(await page.getAttribute(".rq1-preregistered", "data-finished")).toBe("6");
    expect(await page.textContent(".rq1-preregistered")).toContain("not the verdict");
    const arms = await page.$$eval(".rq1-progress tbody tr", (trs) => trs.slice(0, 2).map((tr) => [(tr as HTMLElement).dataset.wd, (tr as HTMLElement).dataset.finished, (tr as HTMLElement).dataset.planned]));
    expect(arms).toEqual([["0", "3", "8"], ["0.75", "3", "8"]]);
    expect(await page.getAttribute(".rq1-preregistered-verdict", "data-complete")).toBe("false");
    expect(await page.textContent(".rq1-preregistered-verdict .rq-headline")).toMatch(/distillation \(w_d = 0.75\)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says contrastive-only wins when the runs say so", async () => {
    const {page, errors} = await open({"rq1-runs": bundle((l, s) => 0.45 - 0.06 * l + 0.01 * (s - 2)), teachers: {teachers: []}});
    expect(await page.getAttribute(".rq-verdict", "data-outcome")).toBe("reversed");
    expect(await page.textContent(".rq-headline")).toBe("RQ1 does not replicate on Average: contrastive-only beats distillation (w_d = 0.75) beyond seed noise.");
    // The trend over λ peaks at contrastive-only on every score; the pre-registered plan is printed.
    const peaks = await page.$$eval("table.rq-findings tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.peak));
    expect(peaks).toEqual(SWEEP_METRICS.map(() => "0"));
    expect(await page.getAttribute(".rq1-preregistration", "data-primary")).toBe("average");
    expect(await page.getAttribute(".rq1-preregistration", "data-seeds")).toBe("8");
    expect(await page.textContent(".rq-runs-summary")).toBe("15 runs from data/runs/rq1/index.json: w_d ∈ {0, 0.25, 0.5, 0.75, 1}, seeds 1, 2, 3.");
    const outcomes = await page.$$eval("table.rq-findings tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.outcome));
    expect(outcomes).toEqual(SWEEP_METRICS.map(() => "reversed"));
    // One chart per score: 15 seeds' dots, 5 means, 5 interval bars each.
    const charts = await page.$$(".rq-sweep-chart");
    expect(charts).toHaveLength(SWEEP_METRICS.length);
    expect(await charts[0].$$eval("circle", (c) => c.length)).toBe(15 + 5);
    expect(await page.textContent(".rq-teacher-note")).toContain("left out");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says the direction replicates when distillation wins, and draws the teachers' line", async () => {
    const teacher = runExport("teacher", {}, () => 0.8).evaluations[0].lines.map((l) => JSON.stringify(l)).join("\n");
    const {page, errors} = await open({
      "rq1-runs": bundle((l, s) => 0.4 + 0.05 * Math.sin((Math.PI / 1.5) * l) + 0.01 * (s - 2)),
      teachers: {teachers: [{name: "teacher-a", source: "data/teachers/teacher-a.eval.jsonl", text: teacher}]}
    });
    expect(await page.getAttribute(".rq-verdict", "data-outcome")).toBe("replicates");
    expect(await page.textContent(".rq-headline")).toBe("RQ1 replicates on Average: distillation (w_d = 0.75) beats contrastive-only beyond seed noise.");
    expect(await page.$$eval(".rq-sweep-chart text", (t) => t.filter((e) => e.textContent === "teacher-a").length)).toBe(SWEEP_METRICS.length);
    expect(await page.textContent(".rq-teacher-note")).toContain("data/teachers/teacher-a.eval.jsonl");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists damaged runs instead of drawing them", async () => {
    const {page} = await open({"rq1-runs": {manifest: "data/runs/rq1/index.json", runs: [], problems: ["data/runs/rq1/x.json, listed in data/runs/rq1/index.json, does not exist"]}});
    expect(await page.textContent(".rq-no-runs")).toContain("lists no run that could be read");
    expect(await page.textContent(".rq-problems")).toContain("x.json, listed in data/runs/rq1/index.json, does not exist");
    await page.close();
  });

  it("runs a short sweep in the browser and computes a verdict from it", async () => {
    const {page, errors} = await open();
    // The plan's cell renders after the page's data: wait for it, under load too.
    const steps = await page.waitForSelector(".your-sweep-plan input[type=number]", {timeout: 120_000});
    await steps!.fill("20");
    await steps!.dispatchEvent("input");
    await page.selectOption(".your-sweep-plan select", "16");
    await page.click(".your-sweep-run button");
    await page.waitForSelector(".your-sweep .rq-verdict", {timeout: 280_000});
    expect(await page.textContent(".your-sweep h3")).toBe("Your sweep: 2 runs");
    expect(await page.getAttribute(".your-sweep .rq-verdict", "data-outcome")).toMatch(/^(replicates|weak|reversed|weak-reversed|tie|untestable)$/);
    expect(await page.textContent(".your-sweep-progress")).toBe("done: 2 runs");
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the RQ1 page with loaded files", () => {
  const lab = (wc: number, wd: number, s: number) => `test/fixtures/rq1/lab/dmclip-wc${wc}-wd${wd}-seed${s}/eval_results.jsonl`;
  const files = [0, 0.25, 0.75, 1].flatMap((wd) => [1, 2, 3].map((s) => lab(1 - wd, wd, s)));
  const load = async (page: Page, paths: string[], loads: number) => {
    // Each file under its folder's name, as a folder pick gives it.
    await page.setInputFiles(
      "input.results-file-input",
      paths.map((p) => ({name: p.split("/").slice(-2).join("-"), mimeType: "application/jsonl", buffer: readFileSync(p)}))
    );
    await page.waitForSelector(`.rq-load-problems[data-loads="${loads}"]`, {state: "attached"});
    await settledCells(page);
  };

  it("analyses a dropped sweep with the numbers the files give", async () => {
    const {page, errors} = await open();
    await load(page, files, 1);
    expect(await page.getAttribute(".rq-load-problems", "data-count")).toBe("0");
    expect(await page.$$eval("table.rq-loaded-runs tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.seedOrigin))).toEqual(files.map(() => "name"));
    expect(await page.getAttribute(".rq-loaded-analysis", "data-runs")).toBe("12");
    const inVal = (wc: number, wd: number) =>
      [1, 2, 3].map((s) => JSON.parse(readFileSync(lab(wc, wd, s), "utf8").split("\n").find((l) => l.includes('"imagenet1k"'))!.replace(/NaN/g, "null")).metrics.acc1).reduce((a: number, b: number) => a + b, 0) / 3;
    const cell = await page.$eval('.rq-loaded-analysis tr:has(td:first-child:text-is("IN-val")) td[data-run-id="(0.25, 0.75)"]', (td) => Number((td as HTMLElement).dataset.value));
    expect(cell).toBeCloseTo(100 * inVal(0.25, 0.75), 9);
    expect(await page.$$(".rq-loaded-gain svg")).toHaveLength(1);
    expect(await page.getAttribute(".rq-loaded-verdict .rq-verdict", "data-outcome")).toBe("replicates");
    expect(await page.$$eval(".rq-loaded-verdict table.rq-findings tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.metric))).toEqual(["avg_perf", "in_val", "in_shift", "flickr30k_t2i", "flickr30k_i2t", "coco_t2i", "coco_i2t"]);
    expect(await page.$$eval(".results-download", (as) => as.map((a) => (a as HTMLElement).dataset.file))).toEqual(["comparison.csv", "comparison.md"]);
    // The link restores the same analysis on a fresh page.
    const link = await page.inputValue(".results-view-link");
    expect(link).toContain("#sweep=");
    const other = await site.browser.newPage();
    await other.goto(link);
    await other.waitForSelector(".rq-loaded-analysis");
    expect(await other.getAttribute(".rq-loaded-analysis", "data-runs")).toBe("12");
    await other.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("refuses bad files by name, keeps what is loaded, and says what the gain needs", async () => {
    const {page, errors} = await open();
    await load(page, files.filter((f) => !f.includes("wc1-wd0")), 1);
    expect(await page.getAttribute(".rq-gain-needs", "data-needs")).toBe("contrastive-only");
    await load(page, ["test/fixtures/rq1/bad/no-imagenet-wc1-wd0-seed1.jsonl", lab(0, 1, 1)], 2);
    expect(await page.$$eval(".rq-load-problems li", (lis) => lis.map((li) => (li as HTMLElement).dataset.kind))).toEqual(["no-imagenet", "duplicate"]);
    expect(await page.$$eval("table.rq-loaded-runs tbody tr", (trs) => trs.length)).toBe(9);
    expect(errors).toEqual([]);
    await page.close();
  });
});
