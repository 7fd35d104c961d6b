import {mkdirSync, openSync, closeSync, ftruncateSync, readFileSync} from "node:fs";
import {resolve} from "node:path";
import type {Page} from "playwright-core";
import {beforeAll, describe, expect, it} from "vitest";
import {openPage, type PageLog} from "./harness.js";
import {builtSiteInChromium, settledCellErrors, settledCells} from "./site.js";
import {labMeansFromFile} from "../fixtures/results/labMeans.js";

const FIXTURES = resolve("test/fixtures/results");
const fixture = (name: string) => resolve(FIXTURES, name);

// Means worked out by hand from the fixture values (test/fixtures/results/README.md).
const EXPECTED = {
  a: {"datacomp/imagenet": 0.6, "datacomp/imagenet-shifts": 2.8 / 6, "datacomp/vtab": 6.6 / 13, "datacomp/retrieval": 1.55 / 3, "datacomp/average": 19.15 / 38},
  b: {"datacomp/imagenet": 0.55, "datacomp/imagenet-shifts": 2.85 / 5, "datacomp/vtab": 7.26 / 13, "datacomp/retrieval": 1.7 / 3, "datacomp/average": 20.71 / 37}
};

/** Serves the page an empty committed-runs bundle, so these tests start from a known state. */
const withoutCommittedRuns = (p: Page) =>
  p.route("**/_file/components/resultsCommittedRuns.*.json", (route) =>
    route.fulfill({contentType: "application/json", body: JSON.stringify({manifest: null, runs: [], problems: []})})
  );

const site = builtSiteInChromium();
let page: Page;
let log: PageLog;

beforeAll(async () => {
  ({page, log} = await openPage(site.browser, `${site.server.url}/notebooks/results`, {before: withoutCommittedRuns}));
  await page.waitForSelector("main h1");
  expect(await settledCellErrors(page)).toEqual([]);
});

const runCount = (p: Page = page) => p.$eval("main .results-runs", (el) => Number((el as HTMLElement).dataset.count));
let loads = 0;
/** Loads files through the picker and waits until the page has reported on them. */
const load = async (files: string[]) => {
  await page.setInputFiles("input.results-file-input", files);
  await page.waitForSelector(`.results-problems[data-loads="${++loads}"]`, {state: "attached"});
  await settledCells(page);
};
/** Group rows of the group table: id → values per run (raw numbers, NaN where missing). */
const groupValues = (p: Page = page) =>
  p.$$eval("table.results-groups tbody tr", (trs) =>
    Object.fromEntries(
      trs.map((tr) => [
        (tr as HTMLElement).dataset.id!,
        [...tr.querySelectorAll("td[data-run-id]")].map((td) => Number((td as HTMLElement).dataset.value || NaN))
      ])
    )
  );
const problemText = () => page.$eval(".results-problems", (el) => el.textContent ?? "");

describe("the results page", () => {
  it("starts empty without committed runs, and works", async () => {
    expect(await runCount()).toBe(0);
    expect(await page.textContent("main")).toContain("No runs are committed yet");
  });

  it("loads DataComp-format files through the file picker and shows DataComp's group means", async () => {
    await load([fixture("datacomp-a.jsonl"), fixture("datacomp-b.jsonl")]);
    await page.waitForSelector("table.results-groups");
    expect(await runCount()).toBe(2);
    const names = await page.$$eval("input.results-run-name", (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(names).toEqual(["datacomp-a", "datacomp-b"]);
    const groups = await groupValues();
    expect(Object.keys(groups)).toEqual(["datacomp/imagenet", "datacomp/imagenet-shifts", "datacomp/vtab", "datacomp/retrieval", "datacomp/average"]);
    for (const [id, [a, b]] of Object.entries(groups)) {
      expect(a, id).toBeCloseTo(EXPECTED.a[id as keyof typeof EXPECTED.a], 10);
      expect(b, id).toBeCloseTo(EXPECTED.b[id as keyof typeof EXPECTED.b], 10);
    }
    // best per row: a wins ImageNet, b everything else; b's shift mean covers 5 of 6 tasks
    const best = await page.$$eval("table.results-groups tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td[data-run-id]")].map((td) => (td as HTMLElement).dataset.best === "true"))
    );
    expect(best).toEqual([[true, false], [false, true], [false, true], [false, true], [false, true]]);
    expect(await page.textContent('table.results-groups tr[data-id="datacomp/imagenet-shifts"]')).toContain("5/6");
    expect(await page.$$eval("table.results-tasks tbody tr", (trs) => trs.length)).toBe(40);
    // one chart per group, plus the chart of the means
    expect(await page.$$eval("main h3", (hs) => hs.map((h) => h.textContent))).toEqual(
      expect.arrayContaining(["ImageNet", "ImageNet dist. shifts", "VTAB", "Retrieval", "Average"])
    );
  });

  it("switches to percentages, deltas follow the chosen baseline, names are editable", async () => {
    await page.getByLabel("× 100 (percent)").check();
    await expect.poll(async () => (await groupValues())["datacomp/imagenet"][0]).toBeCloseTo(60, 10);
    expect((await groupValues())["datacomp/imagenet"][1]).toBeCloseTo(55, 10);
    const delta = (run: string) => page.textContent(`table.results-groups tr[data-id="datacomp/imagenet"] td[data-run-id="${run}"] .results-delta`);
    expect(await delta("run-2")).toBe("−5.00");
    await page.locator('tr[data-run-id="run-2"] input.results-baseline').check();
    await expect.poll(() => delta("run-1")).toBe("+5.00");
    await page.locator('tr[data-run-id="run-1"] input.results-run-name').fill("teacher-free");
    await page.locator('tr[data-run-id="run-1"] input.results-run-name').press("Enter");
    await expect.poll(() => page.textContent("table.results-groups thead")).toContain("teacher-free");
  });

  const malformed: [string, string][] = [
    ["not-json-lines.jsonl", "not-json-lines.jsonl, line 1: not a JSON object"],
    ["missing-key.jsonl", 'missing-key.jsonl, line 2, field "key": missing'],
    ["missing-metrics.jsonl", 'missing-metrics.jsonl, line 2, field "metrics": missing'],
    ["string-metric.jsonl", 'string-metric.jsonl, line 2, field "metrics.acc1": expected a number'],
    ["duplicate-key.jsonl", 'duplicate-key.jsonl, line 3, field "key": duplicate key "imagenet1k", already on line 1']
  ];
  it.each(malformed)("refuses %s with a message naming file, line and field; the loaded runs stay", async (file, message) => {
    await load([fixture(file)]);
    expect(await problemText()).toContain(message);
    expect(await runCount()).toBe(2);
    expect(Object.keys(await groupValues())).toHaveLength(5);
  });

  it("refuses a 50 MB file without reading it", async () => {
    mkdirSync("test/.tmp/results", {recursive: true});
    const huge = resolve("test/.tmp/results/huge.jsonl");
    const fd = openSync(huge, "w");
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    await load([huge]);
    expect(await problemText()).toContain("huge.jsonl: the file is 50.0 MB");
    expect(await runCount()).toBe(2);
  });

  it("shows markup in keys and dataset names as text, never as HTML", async () => {
    await load([fixture("html-in-names.jsonl")]);
    expect(await runCount()).toBe(3);
    const cell = page.locator('table.results-tasks tr[data-id="<b>bold-key</b>"] td').first();
    expect(await cell.textContent()).toBe('<img src=x onerror="window.__injected=1">');
    expect(await page.$$eval("main table img, main table b", (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as {__injected?: number}).__injected)).toBeUndefined();
    await page.locator('tr[data-run-id="run-3"] .results-remove').click();
    await page.waitForFunction(() => document.querySelector("main .results-runs")?.getAttribute("data-count") === "2");
  });

  it("loads dropped files", async () => {
    const text = readFileSync(fixture("datacomp-a.jsonl"), "utf8");
    await page.evaluate((t) => {
      const data = new DataTransfer();
      data.items.add(new File([t], "dropped.jsonl"));
      document.querySelector(".results-drop-zone")!.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    }, text);
    await page.waitForSelector(`.results-problems[data-loads="${++loads}"]`, {state: "attached"});
    expect(await runCount()).toBe(3);
    expect(await page.$$eval("input.results-run-name", (els) => els.map((e) => (e as HTMLInputElement).value))).toContain("dropped");
    await page.locator("table.results-runs tbody tr:last-child .results-remove").click();
    await page.waitForFunction(() => document.querySelector("main .results-runs")?.getAttribute("data-count") === "2");
  });

  it("exports CSV and Markdown, and its link restores the view in a fresh page", async () => {
    // The export panel redraws only once the view link is compressed: until the cells settle it can still show
    // the run the last test removed (CI once read its CSV in that moment).
    await settledCells(page);
    expect(await page.textContent("pre.results-markdown")).toContain("| ImageNet | **60.00** (+5.00) | 55.00 |");
    const csv = await page.$eval('a.results-download[data-file="comparison.csv"]', async (a) => (await fetch((a as HTMLAnchorElement).href)).text());
    expect(csv.split("\n")[0]).toBe("kind,key,name,teacher-free main_metric,datacomp-b main_metric,teacher-free delta,teacher-free tasks,datacomp-b tasks");
    expect(csv).toContain("group,datacomp/imagenet,ImageNet,60,55,5,1/1,1/1");
    const link = await page.$eval("input.results-view-link", (el) => (el as HTMLInputElement).value);
    expect(link).toMatch(/#view=[A-Za-z0-9_-]+$/);
    const fresh = await openPage(site.browser, link, {before: withoutCommittedRuns});
    await fresh.page.waitForSelector("table.results-groups");
    expect(await settledCellErrors(fresh.page)).toEqual([]);
    expect(await groupValues(fresh.page)).toEqual(await groupValues());
    expect(await fresh.page.$$eval("input.results-run-name", (els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(["teacher-free", "datacomp-b"]);
    expect(await fresh.page.isChecked('tr[data-run-id="run-2"] input.results-baseline')).toBe(true);
    expect(fresh.log.errors).toEqual([]);
    await fresh.page.close();
  });

  it("logged no error and asked no other host for anything", () => {
    expect(log.errors).toEqual([]);
    expect(log.foreignRequests).toEqual([]);
  });
});

describe("the results page with files our own evaluation wrote", () => {
  it("shows our groups' means, the means of each file's suites", async () => {
    const fresh = await openPage(site.browser, `${site.server.url}/notebooks/results`, {before: withoutCommittedRuns});
    expect(await settledCellErrors(fresh.page)).toEqual([]);
    const files = ["lab-teacher-a.jsonl", "lab-teacher-b.jsonl"];
    await fresh.page.setInputFiles("input.results-file-input", files.map(fixture));
    await fresh.page.waitForSelector("table.results-groups");
    const groups = await groupValues(fresh.page);
    expect(Object.keys(groups)).toEqual(["classification", "shift", "retrieval", "average"]);
    files.forEach((file, i) => {
      const expected = labMeansFromFile(file);
      for (const [id, values] of Object.entries(groups)) expect(values[i], `${file} ${id}`).toBeCloseTo(expected[id as keyof typeof expected], 10);
    });
    expect(fresh.log.errors).toEqual([]);
    await fresh.page.close();
  });
});

describe("the results page with the committed runs", () => {
  it("loads every run that data/runs/index.json lists", async () => {
    const listed = JSON.parse(readFileSync("data/runs/index.json", "utf8")).runs.length;
    const {page: p, log: l} = await openPage(site.browser, `${site.server.url}/notebooks/results`);
    await p.waitForSelector("main .results-runs");
    await settledCells(p);
    expect(await runCount(p)).toBe(listed);
    expect(l.errors).toEqual([]);
    await p.close();
  });
});
