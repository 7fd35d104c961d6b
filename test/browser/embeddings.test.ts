import {readdirSync} from "node:fs";
import {join} from "node:path";
import * as tf from "@tensorflow/tfjs";
import type {Page} from "playwright-core";
import {beforeAll, describe, expect, it} from "vitest";
import {className} from "../../src/lib/data/classes.js";
import {diskReader, loadSourcesFromDisk} from "../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../src/lib/data/reinforcedLoader.js";
import {meanSliceCosine, topK} from "../../src/lib/embed/nearest.js";
import {loadProbeSet, type ProbeSet} from "../../src/lib/embed/probeSet.js";
import {slicesOf} from "../../src/lib/embed/slices.js";
import {loadTeacherEncoders, teacherTextRow} from "../../src/lib/embed/teacherEncoders.js";
import {openPage, type PageLog} from "./harness.js";
import {builtSiteInChromium, DIST, settledCellErrors} from "./site.js";

// The page runs in Chromium; this file rebuilds its probe set and the teachers' ranking in Node
// (cpu) from the very files the built site serves, and checks the page shows what they give.

const PROBE = 200;
const K = 8;
const QUERY = "a small blue sneaker at the bottom";

const site = builtSiteInChromium();
let page: Page;
let log: PageLog;
let probe: ProbeSet;

/** A file of the built site by its name before Framework's content hash (`manifest.json` → `manifest.9d2d9b39.json`). */
function builtFiles(dir: string): (name: string) => Promise<Uint8Array> {
  const path = join(DIST, "_file/assets/data", dir);
  const files = readdirSync(path);
  const read = diskReader(path);
  return (name) => {
    const dot = name.lastIndexOf(".");
    const file = files.find((f) => f.startsWith(`${name.slice(0, dot)}.`) && f.endsWith(name.slice(dot)) && f.split(".").length === 3);
    if (!file) throw new Error(`the built site has no ${dir}/${name}`);
    return read(file);
  };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  probe = await loadProbeSet(await ReinforcedSet.open(builtFiles("reinforced")), await loadSourcesFromDisk(), PROBE);
  ({page, log} = await openPage(site.browser, `${site.server.url}/notebooks/embeddings`));
  await page.waitForSelector("main h1");
});

const attribute = async (selector: string, name: string) => (await page.getAttribute(selector, name))!;
const hits = (who: string) =>
  page.$$eval(`.search-hits[data-who="${who}"] .search-hit`, (figures) => figures.map((f) => ({index: Number((f as HTMLElement).dataset.index), score: Number((f as HTMLElement).dataset.score)})));

async function submitQuery(text: string): Promise<void> {
  await page.fill(".caption-query input", text);
  await page.press(".caption-query input", "Enter");
}

describe("the embeddings notebook", () => {
  it("draws the student's and the teacher's PCA: every probe image and caption, each class where the scenes say", async () => {
    await page.waitForSelector('.embedding-plot[data-space="student"]', {timeout: 180_000});
    await page.waitForSelector('.embedding-plot[data-space="teacher"]');
    const expected: Record<string, number> = {};
    for (const id of probe.classIds) expected[className(id)] = (expected[className(id)] ?? 0) + 1;
    expect(Object.keys(expected).length).toBe(20);
    for (const space of ["student", "teacher"]) {
      const plot = `.embedding-plot[data-space="${space}"]`;
      expect(Number(await attribute(plot, "data-points"))).toBe(2 * PROBE);
      expect(JSON.parse(await attribute(plot, "data-images-per-class"))).toEqual(expected);
      // Every point is drawn, and images are coloured by class (ten colours, shared by a digit and a garment).
      const fills = await page.$$eval(`${plot} g[aria-label="dot"] > *`, (dots) => dots.map((d) => d.getAttribute("fill")));
      expect(fills.length).toBe(2 * PROBE);
      expect(new Set(fills.filter((f) => f !== null && f !== "none")).size).toBe(10);
    }
    expect(await attribute('.embedding-plot[data-space="student"]', "data-step")).toBe("0");
  });

  it("shows a point's scene and caption on hover", async () => {
    const box = (await page.$('.embedding-plot[data-space="teacher"] svg'))!;
    const dot = (await box.$$('g[aria-label="dot"] > *')).at(-1)!;
    // Plot's pointer listens on the whole SVG: move the mouse onto the dot rather than hover it.
    await dot.scrollIntoViewIfNeeded();
    const at = (await dot.boundingBox())!;
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
    await page.waitForSelector(".scene-panel .scene-card[data-index] canvas");
    const index = Number(await attribute(".scene-panel .scene-card[data-index]", "data-index"));
    expect(await page.textContent(".scene-panel .scene-card[data-index]")).toContain(probe.captions[index]);
  });

  it("ranks the probe images for a typed caption, the teachers' ranking equal to Node's from the served files", async () => {
    await page.waitForSelector(".search-result", {timeout: 120_000});
    await submitQuery(QUERY);
    await page.waitForSelector(`.search-result[data-query="${QUERY}"]`, {timeout: 120_000});
    const student = await hits("student");
    expect(student).toHaveLength(K);
    student.slice(1).forEach((h, i) => expect(h.score).toBeLessThanOrEqual(student[i].score));
    expect(await attribute(".search-result", "data-step")).toBe("0");

    const checkpoints = builtFiles("teachers");
    const teachers = await loadTeacherEncoders(probe.teachers, (name) => checkpoints(`${name}.ckpt`));
    const query = await teacherTextRow(teachers, QUERY);
    const expected = topK(meanSliceCosine(query, probe.teacherImage, probe.count, slicesOf(probe.teachers.map((t) => t.dim))), K);
    const shown = await hits("teacher");
    expect(shown.map((h) => h.index)).toEqual(expected.map((h) => h.index));
    shown.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 4));
    teachers.forEach((t) => t.model.dispose());
  });

  it("answers an empty query and a query of unknown words with a message", async () => {
    await submitQuery("");
    await page.waitForSelector(".search-error", {timeout: 60_000});
    expect(await page.textContent(".search-error")).toMatch(/the caption is empty/);
    await submitQuery("zork quux");
    await page.waitForFunction(() => /none of the words/.test(document.querySelector(".search-error")?.textContent ?? ""), null, {timeout: 60_000});
    await submitQuery(`${QUERY} zork`);
    await page.waitForSelector(".search-unknown", {timeout: 60_000});
    expect(await page.textContent(".search-unknown")).toContain("zork");
  });

  it("takes a seeded UMAP snapshot of both spaces in the worker", async () => {
    await page.click(".umap-button button");
    await page.waitForSelector(".umap-snapshot", {timeout: 180_000});
    expect(await attribute(".umap-snapshot", "data-seed")).toBe("1");
    for (const space of ["student-umap", "teacher-umap"]) {
      const plot = `.embedding-plot[data-space="${space}"]`;
      expect(Number(await attribute(plot, "data-points"))).toBe(2 * PROBE);
      expect(await page.$$eval(`${plot} g[aria-label="dot"] > *`, (dots) => dots.length)).toBe(2 * PROBE);
    }
  });

  it("logs no error and leaves no cell in error", async () => {
    expect(await settledCellErrors(page)).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.foreignRequests).toEqual([]);
  });
});
