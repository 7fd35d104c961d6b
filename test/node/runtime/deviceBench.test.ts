import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {describe, expect, it} from "vitest";
import type {BackendProbe} from "../../../src/lib/runtime/backendSelection.js";
import {benchmarkBackends} from "../../../src/lib/runtime/deviceBench.js";

const probe = (name: BackendProbe["name"], available: boolean): BackendProbe => ({name, available, hardware: true, detail: "", info: {}});

describe("benchmarkBackends", () => {
  it("measures each available backend, cpu first as the reference, and hands back the page's backend", async () => {
    const rows = await benchmarkBackends([probe("webgpu", false), probe("webgl", false), probe("wasm", true), probe("cpu", true)], "wasm");
    expect(rows.map((r) => r.backend)).toEqual(["cpu", "wasm"]);
    expect(rows[0].maxDiff).toBe(0);
    expect(rows[1].maxDiff).toBeLessThan(1e-5);
    for (const r of rows) {
      expect(r.values).toHaveLength(20);
      expect(r.gflops).toBeGreaterThan(0);
      expect(r.roundTripMs).toBeGreaterThan(0);
    }
    expect(tf.getBackend()).toBe("wasm");
  });
});
