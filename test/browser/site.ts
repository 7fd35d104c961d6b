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

/** Waits until Framework has no cell still running; errors inside cells come back as text. */
export async function settledCellErrors(page: Page, timeout = 120_000): Promise<string[]> {
  await page.waitForFunction(() => document.querySelectorAll(".observablehq--running").length === 0, null, {timeout});
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
