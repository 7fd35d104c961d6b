import {existsSync, mkdirSync, readFileSync, copyFileSync, writeFileSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {basename, extname, join, normalize, resolve} from "node:path";
import type {AddressInfo} from "node:net";
import {build} from "esbuild";
import {chromium, type Browser, type Page, type Route} from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags measured to give headless Chromium a working WebGPU adapter (SwiftShader) offline. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-webgpu-adapter=swiftshader"
];

/** Launches Chromium or fails naming what is missing: browser tests are never skipped silently. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: browser tests need it. Install Debian's package ` +
        "(apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH."
    );
  }
  return chromium.launch({executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS});
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".csv": "text/csv",
  ".jsonl": "application/jsonl",
  ".bin": "application/octet-stream",
  ".woff2": "font/woff2"
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` on 127.0.0.1 (WebGPU needs a secure context, and localhost is one). Clean URLs
 * as Framework's build writes them: `/notebooks/device` → `notebooks/device.html`. With
 * `isolated`, it sends the COOP/COEP headers that let the wasm backend use threads.
 */
export async function serveStatic(root: string, {isolated = false} = {}): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) return void res.writeHead(404).end(`not found: ${path}`);
    const headers: Record<string, string> = {"content-type": MIME[extname(file)] ?? "application/octet-stream"};
    if (isolated) {
      headers["cross-origin-opener-policy"] = "same-origin";
      headers["cross-origin-embedder-policy"] = "require-corp";
    }
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok()))
  };
}

export interface PageLog {
  errors: string[];
  foreignRequests: string[];
}

/**
 * Opens `url`, recording console errors, uncaught exceptions and any request to another host.
 * `before` runs on the new page ahead of navigation (to route a request, say).
 */
export async function openPage(browser: Browser, url: string, {before}: {before?: (page: Page) => Promise<unknown>} = {}): Promise<{page: Page; log: PageLog}> {
  const page = await browser.newPage();
  const log: PageLog = {errors: [], foreignRequests: []};
  page.on("console", (msg) => {
    if (msg.type() === "error") log.errors.push(msg.text());
  });
  page.on("pageerror", (err) => log.errors.push(String(err)));
  page.on("request", (req) => {
    const {hostname, protocol} = new URL(req.url());
    if ((protocol === "http:" || protocol === "https:") && hostname !== "localhost" && hostname !== "127.0.0.1") {
      log.foreignRequests.push(req.url());
    }
  });
  await page.route("**/_observablehq/runtime.*.js", exposeFrameworkRuntime);
  await before?.(page);
  await page.goto(url);
  return {page, log};
}

/**
 * Serves Framework's runtime module with one addition: each runtime that computes registers
 * itself on `globalThis.__frameworkRuntimes`, so a test can ask it whether any cell is still
 * computing (settledCells). The built client exports only `define`, and Framework marks no
 * running cell in the DOM, so nothing else tells.
 */
async function exposeFrameworkRuntime(route: Route): Promise<void> {
  const response = await route.fetch();
  const body = await response.text();
  const runtime = /\b([\w$]+) as Runtime\b/.exec(body)?.[1];
  if (!runtime) throw new Error(`${route.request().url()}: no exported Runtime to hook`);
  // The set exists from the module's first run, so settledCells can tell "not exposed" from "not started".
  const hook = `\n{globalThis.__frameworkRuntimes??=new Set;const compute=${runtime}.prototype._compute;${runtime}.prototype._compute=function(){globalThis.__frameworkRuntimes.add(this);return compute.call(this)}}\n`;
  await route.fulfill({response, body: body + hook});
}

const WASM_DIR = resolve("node_modules/@tensorflow/tfjs-backend-wasm/dist");

/**
 * Bundles a browser test entry (a module under test/browser/entries that puts its API on
 * `window`) into test/.tmp/<name>/ with an index.html and tfjs's wasm binaries beside it, so
 * kernels can be tested in Chromium without the notebook site.
 */
export async function bundleEntry(entry: string): Promise<string> {
  const name = basename(entry, extname(entry));
  const out = resolve("test/.tmp", name);
  mkdirSync(out, {recursive: true});
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(out, "entry.js"),
    logLevel: "error"
  });
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
    copyFileSync(join(WASM_DIR, f), join(out, f));
  }
  writeFileSync(
    join(out, "index.html"),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name}</title><script type="module" src="./entry.js"></script>`
  );
  return out;
}
