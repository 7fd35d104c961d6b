import {describe, expect, it} from "vitest";
import {bundleEntry, openPage} from "./harness.js";
import {servedInChromium} from "./site.js";

const served = servedInChromium(() => bundleEntry("test/browser/entries/mamba.ts"));

interface CheckAll {
  fused: boolean;
  fusedConv: boolean;
  scans: Record<string, number>[];
  convs: Record<string, number>[];
  encoder: {errors: Record<string, number>; allNonZero: boolean};
  leaked: number;
}

describe.each(["webgpu", "webgl", "wasm"])("Mamba core in Chromium on %s", (backend) => {
  it("fused scans and convs + SiLU match the reference (forward, every gradient), and so does the encoder's training gradient", async () => {
    const {page, log} = await openPage(served.browser, served.server.url);
    // WebGPU reports invalid pipelines and bind groups as console warnings, then computes zeros.
    const warnings: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "warning") warnings.push(msg.text());
    });
    await page.waitForFunction(() => "lab" in window);
    const result = (await page.evaluate(async (name) => {
      const {use, checkAll} = (window as any).lab;
      if (!(await use(name))) return null;
      return checkAll(7);
    }, backend)) as CheckAll | null;
    expect(result, `backend ${backend} unavailable`).not.toBeNull();
    const {fused, fusedConv, scans, convs, encoder, leaked} = result as CheckAll;
    expect(fused).toBe(true);
    // The conv + SiLU kernel is WebAssembly SIMD only; the GPU backends run the reference ops.
    expect(fusedConv).toBe(backend === "wasm");
    expect(convs.length).toBe(9);
    for (const [i, errors] of convs.entries()) {
      expect(Object.keys(errors).sort()).toEqual(["bias", "u", "weight", "x"]);
      for (const [name, err] of Object.entries(errors)) expect(err, `conv case ${i} ${name}`).toBeLessThanOrEqual(1e-5);
    }
    expect(scans.length).toBe(13);
    for (const [i, errors] of scans.entries()) {
      expect(Object.keys(errors)).toContain("y");
      for (const [name, err] of Object.entries(errors)) expect(err, `case ${i} ${name}`).toBeLessThanOrEqual(1e-4);
    }
    for (const [name, err] of Object.entries(encoder.errors)) expect(err, `encoder ${name}`).toBeLessThanOrEqual(1e-4);
    expect(encoder.allNonZero).toBe(true);
    expect(leaked).toBe(0);
    expect(log.errors).toEqual([]);
    expect(warnings).toEqual([]);
    await page.close();
  });
});
