import {describe, expect, it} from "vitest";
import {bundleEntry, openPage} from "./harness.js";
import {servedInChromium} from "./site.js";

const served = servedInChromium(() => bundleEntry("test/browser/entries/speedFixes.ts"));

const TOLERANCE = 1e-4;

// On the GPU backends only matMul is fixed (batches broadcast on both sides), and stock tfjs
// there fails some of the other cases' rank-5 and rank-6 layout ops: they run the matMul cases.
const BACKENDS: Array<[string, string, number]> = [
  ["wasm", "", 60],
  ["cpu", "", 60],
  ["webgl", "matMul", 40],
  ["webgpu", "matMul", 40]
];

describe("speed fixes in Chromium", () => {
  it.each(BACKENDS)("keep every value and gradient on %s (cases: '%s…'), installed once across a backend switch", async (backend, prefix, minimum) => {
    const {page, log} = await openPage(served.browser, served.server.url);
    await page.waitForFunction(() => "lab" in window);
    const result = await page.evaluate(async ([name, only]) => {
      const {use, check} = (window as any).lab;
      if (!(await use(name))) return null;
      const first = await check(name, only);
      // Switching away and back must keep the fixes (once: check compares against stock again).
      await use(name === "wasm" ? "cpu" : "wasm");
      await use(name);
      return {first, again: await check(name, only)};
    }, [backend, prefix]);
    expect(result, `${backend} backend available`).not.toBeNull();
    for (const run of [result!.first, result!.again]) {
      const failures = Object.entries(run.errors as Record<string, number>).filter(([, e]) => !(e < TOLERANCE));
      expect(failures).toEqual([]);
      expect(Object.keys(run.errors).length).toBeGreaterThanOrEqual(minimum);
      expect(run.leaked).toBe(0);
    }
    expect(result!.again.installed).toEqual(result!.first.installed);
    expect(result!.first.installed).toContain("BatchMatMul gradient");
    expect(result!.first.installed).toContain("BatchMatMul");
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
