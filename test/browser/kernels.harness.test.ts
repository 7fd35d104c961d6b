import {describe, expect, it} from "vitest";
import {bundleEntry, openPage} from "./harness.js";
import {servedInChromium} from "./site.js";

const served = servedInChromium(() => bundleEntry("test/browser/entries/ops.ts"));

describe("Chromium harness", () => {
  it.each(["webgpu", "webgl", "wasm", "cpu"])("runs a matmul on %s", async (backend) => {
    const {page, log} = await openPage(served.browser, served.server.url);
    await page.waitForFunction(() => "lab" in window);
    const result = await page.evaluate(async (name) => {
      const {tf, use} = (window as any).lab;
      if (!(await use(name))) return null;
      const c = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
      return Array.from(await c.data());
    }, backend);
    expect(result).toEqual([19, 22, 43, 50]);
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
