import {existsSync, readFileSync} from "node:fs";
import type {Page} from "playwright-core";
import {describe, expect, it} from "vitest";
import {openPage, type PageLog} from "./harness.js";
import {builtSiteInChromium} from "./site.js";

const site = builtSiteInChromium();

// Small batches keep each step short in headless Chromium's wasm on two loaded cores.
const QUICK = "batch=8&steps=400&eval=0&warmup=2";

async function openTrain(query: string): Promise<{page: Page; log: PageLog}> {
  const opened = await openPage(site.browser, `${site.server.url}/notebooks/train?${query}`);
  await opened.page.waitForSelector(".train-status", {timeout: 120_000});
  return opened;
}

const stepOf = (page: Page) => page.$eval(".train-status", (el) => Number(el.getAttribute("data-step")));
const waitForStep = (page: Page, n: number) =>
  page.waitForFunction((k) => Number(document.querySelector(".train-status")?.getAttribute("data-step")) >= k, n, {timeout: 180_000});

interface LoggedStep {
  step: number;
  wc: number;
  wd: number;
  total: number;
  contrastive: number;
  distill: number;
}
const stepLog = (page: Page): Promise<LoggedStep[]> =>
  page.$$eval(".step-log tbody tr", (rows) =>
    rows.map((r) => {
      const d = (r as HTMLElement).dataset;
      return {step: Number(d.step), wc: Number(d.wc), wd: Number(d.wd), total: Number(d.total), contrastive: Number(d.contrastive), distill: Number(d.distill)};
    })
  );

async function setRange(page: Page, cls: string, value: number): Promise<void> {
  await page.$eval(
    `.${cls} input[type=number]`,
    (input, v) => {
      (input as HTMLInputElement).value = String(v);
      input.dispatchEvent(new Event("input", {bubbles: true}));
    },
    value
  );
}

describe("the training notebook", () => {
  it("applies a slider move to the next steps, and pause stops training", async () => {
    const {page, log} = await openTrain(`${QUICK}&wc=1&wd=0`);
    await page.uncheck(".input-keep-sum input");
    await page.click(".train-start");
    await waitForStep(page, 2);
    await setRange(page, "input-wc", 0.5);
    await setRange(page, "input-wd", 0.5);
    // The status line is redrawn at most 4×/s and lags under load: wait on the step log itself
    // for a step with both new weights, then for two more steps.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>(".step-log tbody tr")].some((r) => r.dataset.wc === "0.5" && r.dataset.wd === "0.5"), null, {timeout: 180_000});
    const moved = await stepOf(page);
    await waitForStep(page, moved + 2);
    await page.click(".train-pause");
    await page.waitForSelector('.train-status[data-state="paused"]');
    const steps = await stepLog(page);
    // Every step's loss is made with the weights it reports, old, new or in between: the two
    // sliders send two updates and a step can start between them (w_c moved, w_d not yet).
    for (const s of steps) expect(s.total).toBeCloseTo(s.wc * s.contrastive + s.wd * s.distill, 3);
    const both = steps.filter((s) => s.wc === 0.5 && s.wd === 0.5);
    expect(both.length).toBeGreaterThan(0);
    // Once both moves apply they stay: no step after the first such one has other weights.
    const firstNew = Math.min(...both.map((s) => s.step));
    expect(steps.filter((s) => s.step > firstNew && !(s.wc === 0.5 && s.wd === 0.5))).toEqual([]);
    // The URL now carries the new weights.
    expect(new URL(page.url()).searchParams.get("wc")).toBe("0.5");
    const paused = await stepOf(page);
    await page.waitForTimeout(1500);
    expect(await stepOf(page)).toBe(paused);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("reset restarts from the seed: the first step repeats exactly", async () => {
    const {page} = await openTrain(`${QUICK}&seed=3`);
    await page.click(".train-step");
    await waitForStep(page, 1);
    const first = (await stepLog(page))[0];
    await page.click(".train-step");
    await waitForStep(page, 2);
    await page.click(".train-reset");
    await page.waitForFunction(() => document.querySelector(".train-status")?.getAttribute("data-step") === "0");
    await page.click(".train-step");
    await waitForStep(page, 1);
    const again = (await stepLog(page))[0];
    expect(again.step).toBe(1);
    expect(again.total).toBe(first.total);
    await page.close();
  });

  it("restores a saved checkpoint to an identical evaluation", async () => {
    const {page, log} = await openTrain(`${QUICK}&seed=4`);
    const evaluate = async () => {
      const previous = await page.$eval(".eval-table", (t) => t.getAttribute("data-step")).catch(() => null);
      await page.click(".train-evaluate");
      await page.waitForFunction((p) => {
        const t = document.querySelector(".eval-table");
        return t && t.getAttribute("data-step") !== p;
      }, previous, {timeout: 180_000});
      return page.$$eval(".eval-table tbody tr", (rows) => rows.map((r) => [(r as HTMLElement).dataset.key, Number((r as HTMLElement).dataset.value)]));
    };
    for (let i = 0; i < 2; i++) {
      await page.click(".train-step");
      await waitForStep(page, i + 1);
    }
    await page.click(".checkpoint-save");
    const saved = await evaluate();
    expect(saved.length).toBeGreaterThan(5);
    await page.click(".train-step");
    await waitForStep(page, 3);
    await page.click(".checkpoint-restore");
    await page.waitForFunction(() => document.querySelector(".train-status")?.getAttribute("data-step") === "2", null, {timeout: 60_000});
    await page.click(".train-step"); // a new evaluation needs a new step number
    await waitForStep(page, 3);
    await page.click(".checkpoint-restore");
    await page.waitForFunction(() => document.querySelector(".train-status")?.getAttribute("data-step") === "2", null, {timeout: 60_000});
    expect(await evaluate()).toEqual(saved);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("reports a corrupt checkpoint or run file and keeps working", async () => {
    const {page, log} = await openTrain(QUICK);
    await page.setInputFiles(".checkpoint-file", {name: "broken.ckpt", mimeType: "application/octet-stream", buffer: Buffer.from("not a checkpoint at all")});
    await page.waitForFunction(() => /not a DM-CLIP Lab checkpoint/.test(document.querySelector(".train-error")?.textContent ?? ""));
    await page.setInputFiles(".run-file", {name: "broken.json", mimeType: "application/json", buffer: Buffer.from('{"format": "something else"}')});
    await page.waitForFunction(() => /run broken.json: "format" must be "dm-clip-run"/.test(document.querySelector(".train-error")?.textContent ?? ""));
    await page.click(".train-step");
    await waitForStep(page, 1);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("reads its settings from the URL and names a bad parameter", async () => {
    const {page} = await openTrain("wc=0.5&wd=0.5&student=vit&seed=7&batch=16&steps=400&lr=oops");
    expect(await page.$eval(".input-wc input[type=number]", (i) => (i as HTMLInputElement).value)).toBe("0.5");
    const checked = await page.$$eval("input[type=radio]", (inputs) => inputs.filter((i) => (i as HTMLInputElement).checked).map((i) => i.parentElement?.textContent?.trim()));
    expect(checked).toEqual(["ViT"]);
    expect(await page.getAttribute(".train-status", "data-steps")).toBe("400");
    expect(await page.textContent(".train-error")).toMatch(/URL parameter lr=oops: expected a number/);
    await page.close();
  });

  it("shows what the committed live benchmark reached, arm by arm, or says none is recorded", async () => {
    const {page, log} = await openTrain(QUICK);
    if (existsSync("data/bench/live.json")) {
      const bench = JSON.parse(readFileSync("data/bench/live.json", "utf8"));
      await page.waitForSelector(".live-record-table tbody tr");
      const rows = await page.$$eval(".live-record-table tbody tr", (trs) => trs.map((tr) => ({date: (tr as HTMLElement).dataset.date, steps: Number((tr as HTMLElement).dataset.steps)})));
      const records = [bench, ...(bench.earlier ?? [])];
      expect(rows).toEqual(records.flatMap((r: {machine: {date: string}; arms: {stepsReached: number}[]}) => r.arms.map((a) => ({date: r.machine.date.slice(0, 10), steps: a.stepsReached}))));
      expect(await page.getAttribute(".live-record", "data-goal-met")).toBe(String(bench.goal.distilledMet));
    } else {
      expect(await page.textContent(".live-record-missing")).toContain("No live benchmark is recorded yet");
    }
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
