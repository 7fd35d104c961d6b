// `npm run bench:device`: the device notebook's live benchmark, run in headless Chromium against
// the built site, written to data/bench/device.json with the machine it ran on.
import {writeFileSync} from "node:fs";
import {launchChromium, openPage, serveStatic} from "../../test/browser/harness.js";
import {requireBuiltSite, DIST} from "../../test/browser/site.js";
import {machineInfo} from "./machine.js";

requireBuiltSite();
const server = await serveStatic(DIST);
const browser = await launchChromium();
try {
  const {page} = await openPage(browser, `${server.url}/notebooks/device`);
  await page.waitForSelector("table.device-bench tbody tr", {timeout: 300_000});
  const rows = await page.$$eval("table.device-bench tbody tr", (trs) =>
    trs.map((tr) => {
      const cells = [...tr.children].map((td) => td.textContent ?? "");
      return {backend: cells[0], hardware: cells[1], matmul256Gflops: Number(cells[2]), matmul256Ms: Number(cells[3]), roundTripMs: Number(cells[4])};
    })
  );
  const reason = await page.getAttribute(".backend-badge", "title");
  const result = {
    benchmark: "device notebook: 256×256 matmul (median of 5 after warm-up, read back each run) and one small op's round trip (64×64 add + read-back) (median of 20)",
    browser: `headless Chromium ${browser.version()} (SwiftShader WebGPU/WebGL adapters)`,
    machine: machineInfo(),
    chosen: reason,
    rows
  };
  writeFileSync("data/bench/device.json", JSON.stringify(result, null, 2) + "\n");
  console.table(rows);
} finally {
  await browser.close();
  await server.close();
}
