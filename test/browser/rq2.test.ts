import {existsSync} from "node:fs";
import type {Page} from "playwright-core";
import {beforeAll, describe, expect, it} from "vitest";
import {QUICK_PLAN} from "../../src/lib/rq/latencyStudy.js";
import {SWEEP_METRICS} from "../../src/lib/rq/sweepTable.js";
import {runResult} from "../node/rq/fixtures.js";
import {openPage, type PageLog} from "./harness.js";
import {builtSiteInChromium, settledCellErrors} from "./site.js";

const site = builtSiteInChromium();
let page: Page;
let log: PageLog;

beforeAll(async () => {
  ({page, log} = await openPage(site.browser, `${site.server.url}/notebooks/rq2`));
  await page.waitForSelector("main h1");
  expect(await settledCellErrors(page)).toEqual([]);
  // The page's quick latency study runs as it loads, point by point.
  await page.waitForSelector('.rq-study-status[data-done="true"]', {timeout: 180_000});
});

describe("the RQ2 page", () => {
  it("shows the poster's claims and its 0.504 ratio", async () => {
    const text = (await page.textContent("main"))!;
    for (const claim of ["image_encoder_latency_reduction", "performance_drop", "svhn_accuracy_gain", "eurosat_acc5_gain"]) expect(text).toContain(claim);
    expect(text).toContain("ratio of 0.504");
  });

  it("times both students at every quick size on wasm, and summarises what it measured", async () => {
    const rows = await page.$$eval(".rq-latency", (tables) =>
      [...tables[0].querySelectorAll("tbody tr")].map((tr) => {
        const d = (tr as HTMLElement).dataset;
        return {encoder: d.encoder, size: Number(d.size), status: d.status, median: Number(d.median), backend: tr.children[0].textContent};
      })
    );
    expect(rows).toHaveLength(QUICK_PLAN.sizes.length * 2);
    for (const r of rows) {
      expect(r.status).toBe("measured");
      expect(r.backend).toBe("wasm");
      expect(r.median).toBeGreaterThan(0);
    }
    // The ratio stated in words is the table's Vim/ViT at the largest size.
    const at = (encoder: string) => rows.find((r) => r.encoder === encoder && r.size === 256)!.median;
    const summary = (await page.textContent(".rq-live-summary"))!;
    expect(summary).toMatch(new RegExp(`a ratio of ${(at("vim") / at("vit")).toFixed(3)} \\(95% interval \\d\\.\\d{3} to \\d\\.\\d{3}\\), against the poster's 0\\.504`));
    expect(summary).toMatch(/latency grows for Vim as tokens\^\d\.\d\d/);
    expect(await page.$$eval("main svg", (s) => s.length)).toBeGreaterThanOrEqual(1);
  });

  it("shows the recorded benchmark and the accuracy section from the committed data, or says what is missing", async () => {
    if (existsSync("data/bench/latency.json")) {
      expect(await page.$$(".rq-bench h3")).not.toHaveLength(0);
      expect(await page.textContent(".rq-bench")).toMatch(/a ratio of \d\.\d{3}/);
      // Computed on the page from the committed passes: the targets judged on intervals, on each clock recorded.
      const verdicts = await page.$$eval(".rq-bench > div .rq-targets", (ps) => ps.map((p) => (p as HTMLElement).dataset.exponentVerdict));
      expect(verdicts.length).toBeGreaterThan(0);
      for (const v of verdicts) expect(["met", "not met", "undecided"]).toContain(v);
      // What the headline leaves out: Vim/ViT at the students' 65 tokens, and batch 32, per recording and clock.
      expect(Number(await page.getAttribute(".rq-caveat-native", "data-ratio"))).toBeGreaterThan(0);
      expect(await page.textContent(".rq-latency-caveats")).toMatch(/At the students' own 65 tokens/);
      expect(await page.$$(".rq-caveats tbody tr")).not.toHaveLength(0);
    } else {
      expect(await page.textContent(".rq-bench-missing")).toContain("No benchmark is recorded yet");
    }
    if (existsSync("data/runs/rq2/index.json")) expect(await page.$$("table.rq-students tbody tr")).not.toHaveLength(0);
    else expect(await page.textContent(".rq-no-runs")).toContain("No runs committed yet.");
  });

  it("logged no error and asked no other host", () => {
    expect(log.errors).toEqual([]);
    expect(log.foreignRequests).toEqual([]);
  });
});

describe("the RQ2 page's accuracy section", () => {
  it("compares the two students per score and sets the poster's claims beside ours", async () => {
    // Vim 5 points ahead on the digit strip, 2 behind elsewhere, on every seed.
    const settings = {contrastiveWeight: 0.25, distillWeight: 0.75};
    const runs = [1, 2, 3].flatMap((seed) => [
      runResult(`vim-${seed}`, {...settings, student: "vim", seed}, (k) => 0.4 + 0.01 * seed + (k === "specialised/digit_strip" ? 0.05 : -0.02)),
      runResult(`vit-${seed}`, {...settings, student: "vit", seed}, () => 0.4 + 0.01 * seed)
    ]);
    const other = await site.browser.newPage();
    await other.route("**/_file/assets/rq/rq2-runs.*.json", (route) =>
      route.fulfill({contentType: "application/json", body: JSON.stringify({manifest: "data/runs/rq2/index.json", runs, problems: []})})
    );
    await other.goto(`${site.server.url}/notebooks/rq2`);
    await other.waitForSelector("table.rq-students");
    const rows = await other.$$eval("table.rq-students tbody tr", (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.metric, tr.children[3].textContent]));
    expect(rows.map((r) => r[0])).toEqual(SWEEP_METRICS.map((m) => m.key));
    expect(Object.fromEntries(rows)["specialised/digit_strip"]).toBe("+5.0");
    expect(Object.fromEntries(rows)["classification/digits"]).toBe("−2.0");
    const claims = await other.$$eval("table.rq-claims tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(claims.map((c) => c[0])).toEqual(["performance_drop", "svhn_accuracy_gain", "eurosat_acc5_gain", "eurosat_acc5_gain"]);
    expect(claims[1]).toEqual(["svhn_accuracy_gain", "+6.6%", "Digit strip (main_metric)", "+5.0", expect.stringMatching(/^\+11\.\d%$/)]);
    await other.waitForSelector('.rq-study-status[data-done="true"]', {timeout: 180_000});
    await other.close();
  });
});

// Unrun so far: written without Chromium (the machine was busy); run with `npm run test:browser`.
describe("the RQ2 page with loaded measurements", () => {
  it("documents the columns, offers the template, and summarises a loaded file", async () => {
    const columns = await page.$$eval(".rq-latency-columns tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).dataset.column));
    expect(columns).toEqual(["encoder", "tokens", "image_size", "patch", "batch", "ms", "device"]);
    expect(await page.getAttribute(".rq-latency-template", "download")).toBe("latency-template.csv");
    const csv = ["encoder,tokens,batch,ms,device", ...[257, 1025, 4097].flatMap((t) => [`vim,${t},1,${20 + 0.1 * t},gpu`, `vit,${t},1,${5 + 1e-4 * t * t},gpu`])].join("\n");
    await page.setInputFiles("input.rq-latency-file", {name: "bench.csv", mimeType: "text/csv", buffer: Buffer.from(csv)});
    await page.waitForSelector('.rq-loaded-latency-status[data-points="6"]');
    const ratios = await page.$$eval(".rq-loaded-ratios tbody tr", (trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset.tokens), Number((tr as HTMLElement).dataset.ratio)]));
    expect(ratios.map(([t]) => t)).toEqual([257, 1025, 4097]);
    for (const [t, r] of ratios) expect(r).toBeCloseTo((20 + 0.1 * t) / (5 + 1e-4 * t * t), 9);
    expect(await page.$$('.rq-loaded-latency-summary p[data-device="gpu"][data-batch="1"]')).toHaveLength(1);
    await page.setInputFiles("input.rq-latency-file", {name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("encoder,tokens,batch,ms\nmamba,65,1,3\n")});
    await page.waitForSelector('.rq-loaded-latency-status[data-error="true"]');
    expect(await page.getAttribute(".rq-loaded-latency-status", "data-points")).toBe("6");
  });
});
