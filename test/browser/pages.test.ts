import type {Page} from "playwright-core";
import {describe, expect, it} from "vitest";
import {openPage} from "./harness.js";
import {builtSiteInChromium, settledCellErrors, sitePages} from "./site.js";

const site = builtSiteInChromium();

describe("every page of the built site", () => {
  const pages = sitePages();
  it("includes the home page and the device notebook", () => {
    expect(pages).toEqual(expect.arrayContaining(["/", "/notebooks/device"]));
  });

  it.each(pages)("%s renders, logs no error and requests only localhost", async (path) => {
    const {page, log} = await openPage(site.browser, site.server.url + path);
    await page.waitForSelector("main h1");
    expect(await settledCellErrors(page)).toEqual([]);
    expect((await page.textContent("main"))!.length).toBeGreaterThan(200);
    expect(log.errors).toEqual([]);
    expect(log.foreignRequests).toEqual([]);
    // Observable Inputs' stylesheet (scripts/siteAssets.ts) reaches every control: only it sets --label-width.
    const unstyled = await page.$$eval("[class*='inputs-']", (els) => els.filter((e) => getComputedStyle(e).getPropertyValue("--label-width") === "").map((e) => e.className));
    expect(unstyled).toEqual([]);
    await page.close();
  });

  it("waits, when told to settle, for a cell whose data is still on its way", async () => {
    // The results page's committed runs arrive 2 s late: until they do, no runs panel is drawn.
    const slow = (p: Page) =>
      p.route("**/_file/components/resultsCommittedRuns.*.json", async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.fulfill({contentType: "application/json", body: JSON.stringify({manifest: null, runs: [], problems: []})});
      });
    const {page, log} = await openPage(site.browser, `${site.server.url}/notebooks/results`, {before: slow});
    await page.waitForSelector("main h1");
    expect(await page.$$("main .results-runs")).toHaveLength(0);
    expect(await settledCellErrors(page)).toEqual([]);
    // Read without waiting: the panel must be there already.
    expect(await page.$eval("main .results-runs", (el) => el.getAttribute("data-count"))).toBe("0");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("draws Observable Inputs in the dark theme's colours, table headers included", async () => {
    const {page} = await openPage(site.browser, `${site.server.url}/notebooks/device`, {before: (p) => p.emulateMedia({colorScheme: "dark"})});
    await page.waitForSelector("form[class*='inputs-'] thead th", {timeout: 120_000});
    const colours = await page.evaluate(() => {
      const theme = document.querySelector("main")!.appendChild(Object.assign(document.createElement("div"), {style: "background: var(--theme-background)"}));
      return {theme: getComputedStyle(theme).backgroundColor, header: getComputedStyle(document.querySelector("form[class*='inputs-'] thead th")!).backgroundColor};
    });
    expect(colours.theme).not.toMatch(/^rgba?\(255, 255, 255/);
    expect(colours.header).toBe(colours.theme);
    await page.close();
  });
});

describe("the device notebook", () => {
  it("benchmarks all four backends and they compute the same numbers", async () => {
    const {page, log} = await openPage(site.browser, `${site.server.url}/notebooks/device`);
    await page.waitForSelector("table.device-bench tbody tr", {timeout: 120_000});
    const rows = await page.$$eval("table.device-bench tbody tr", (trs) =>
      trs.map((tr) => ({
        backend: (tr as HTMLElement).dataset.backend!,
        values: JSON.parse((tr as HTMLElement).dataset.values!) as number[],
        gflops: Number(tr.children[2].textContent)
      }))
    );
    expect(rows.map((r) => r.backend).sort()).toEqual(["cpu", "wasm", "webgl", "webgpu"]);
    const cpu = rows.find((r) => r.backend === "cpu")!;
    expect(cpu.values.length).toBe(20);
    expect(cpu.values.every(Number.isFinite)).toBe(true);
    for (const row of rows) {
      expect(row.gflops).toBeGreaterThan(0);
      row.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.values[i], 4));
    }
    // Headless Chromium's GPU backends run on SwiftShader, so the lab must pick wasm here.
    expect(await page.getAttribute(".backend-badge", "data-backend")).toBe("wasm");
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it("honours ?backend= and reports it was requested", async () => {
    const {page} = await openPage(site.browser, `${site.server.url}/notebooks/device?backend=webgpu`);
    await page.waitForSelector(".backend-badge");
    expect(await page.getAttribute(".backend-badge", "data-backend")).toBe("webgpu");
    expect(await page.getAttribute(".backend-badge", "title")).toMatch(/requested \(webgpu\)/);
    await page.close();
  });
});
