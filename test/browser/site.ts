import {existsSync, readdirSync} from "node:fs";
import {join, relative} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll} from "vitest";
import {launchChromium, serveStatic, type StaticServer} from "./harness.js";

export const DIST = "dist";

/** Fails naming the fix when the site has not been built: browser tests run against `dist/`. */
export function requireBuiltSite(): void {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error("dist/index.html is missing: run `npm run build` before the browser tests (npm test does).");
  }
}

/** Every page of the built site as a clean URL path (`/notebooks/device`). */
export function sitePages(): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      if (entry.name.startsWith("_")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".html") && entry.name !== "404.html") {
        pages.push("/" + relative(DIST, path).replace(/\.html$/, "").replace(/(^|\/)index$/, ""));
      }
    }
  };
  walk(DIST);
  return pages.sort();
}

/**
 * Waits for a moment when no cell of the page is computing: Framework's runtime has no recompute
 * scheduled and every variable's latest value has settled. Framework 1.13 marks no running cell in
 * the DOM (`.observablehq--running` never appears), so this asks the runtime itself, which pages
 * opened with openPage expose. A generator between two values counts as settled, so a page that
 * polls still settles.
 */
export async function settledCells(page: Page, timeout = 120_000): Promise<void> {
  // Polled from here: page.waitForFunction does not await an async predicate (its promise is truthy).
  const settled = () =>
    page.evaluate(async () => {
      interface Runtime {
        _computing: unknown;
        _variables: Set<{_promise: Promise<unknown>}>;
      }
      const runtimes = (globalThis as {__frameworkRuntimes?: Set<Runtime>}).__frameworkRuntimes;
      if (!runtimes) throw new Error("Framework's runtime is not exposed: open the page with openPage");
      if (runtimes.size === 0) return false;
      const variables = [...runtimes].flatMap((r) => [...r._variables]);
      let count = 0;
      for (const v of variables) v._promise.then(() => count++, () => count++);
      // A task later, every settled promise's reaction has run (they are microtasks).
      await new Promise((r) => setTimeout(r, 0));
      return count === variables.length && [...runtimes].every((r) => !r._computing);
    });
  const deadline = Date.now() + timeout;
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error(`${page.url()}: cells still computing after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until no cell is computing (settledCells); errors inside cells come back as text. */
export async function settledCellErrors(page: Page, timeout = 120_000): Promise<string[]> {
  await settledCells(page, timeout);
  return page.$$eval(".observablehq--error", (nodes) => nodes.map((n) => n.textContent ?? ""));
}

/**
 * Serves a folder on localhost to one Chromium for the calling test file: launched before its
 * tests, closed after them. `root` is called in the set-up (it may build the folder). Read
 * `served.browser` and `served.server` inside tests.
 */
export function servedInChromium(root: () => string | Promise<string>): {browser: Browser; server: StaticServer} {
  const served = {} as {browser: Browser; server: StaticServer};
  beforeAll(async () => {
    served.server = await serveStatic(await root());
    served.browser = await launchChromium();
  });
  afterAll(async () => {
    await served.browser?.close();
    await served.server?.close();
  });
  return served;
}

/** The built site (`dist/`), served as servedInChromium does. */
export function builtSiteInChromium(): {browser: Browser; server: StaticServer} {
  return servedInChromium(() => {
    requireBuiltSite();
    return DIST;
  });
}
