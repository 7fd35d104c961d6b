import {describe, expect, it} from "vitest";
import {chooseBackend, probeCpu, probeWasm, probeWebGL, probeWebGPU, type BackendProbe} from "../../../src/lib/runtime/backendSelection.js";
import "@tensorflow/tfjs-backend-wasm";

const probe = (name: BackendProbe["name"], available: boolean, hardware: boolean): BackendProbe => ({
  name,
  available,
  hardware,
  detail: `${name} detail`,
  info: {}
});

describe("chooseBackend", () => {
  const all = (gpu: boolean, gl: boolean) => [probe("webgpu", true, gpu), probe("webgl", true, gl), probe("wasm", true, true), probe("cpu", true, true)];

  it("prefers WebGPU on a real GPU", () => {
    expect(chooseBackend(all(true, true))).toMatchObject({backend: "webgpu", requested: false});
  });
  it("falls to WebGL on real hardware when WebGPU is software", () => {
    const choice = chooseBackend(all(false, true));
    expect(choice.backend).toBe("webgl");
    expect(choice.reason).toMatch(/skipped webgpu/);
  });
  it("skips software GPU backends for wasm, saying why", () => {
    const choice = chooseBackend(all(false, false));
    expect(choice.backend).toBe("wasm");
    expect(choice.reason).toMatch(/skipped webgpu.*skipped webgl.*chose wasm/);
  });
  it("uses cpu when nothing else is available", () => {
    expect(chooseBackend([probe("webgpu", false, false), probe("webgl", false, false), probe("wasm", false, false), probe("cpu", true, true)]).backend).toBe("cpu");
  });
  it("honours an available override, even a software one", () => {
    const choice = chooseBackend(all(false, false), "webgpu");
    expect(choice.backend).toBe("webgpu");
    expect(choice.requested).toBe(true);
    expect(choice.reason).toMatch(/requested/);
  });
  it("explains an unavailable or unknown override and falls back", () => {
    const probes = [probe("webgpu", false, false), probe("webgl", false, false), probe("wasm", true, true), probe("cpu", true, true)];
    const fallback = chooseBackend(probes, "webgpu");
    expect(fallback.requested).toBe(false);
    expect(fallback.reason).toMatch(/requested webgpu is unavailable/);
    const unknown = chooseBackend(probes, "tpu");
    expect(unknown.backend).toBe("wasm");
    expect(unknown.reason).toMatch(/ignored backend "tpu": expected one of webgpu, webgl, wasm, cpu/);
  });
  it("treats 'auto' and an empty value as no override", () => {
    expect(chooseBackend(all(false, false), "auto").backend).toBe("wasm");
    expect(chooseBackend(all(false, false), "").backend).toBe("wasm");
  });
});

describe("probes in Node", () => {
  it("find no GPU backends and a working wasm and cpu", async () => {
    expect((await probeWebGPU()).available).toBe(false);
    expect(probeWebGL().available).toBe(false);
    const wasm = await probeWasm();
    expect(wasm.available).toBe(true);
    expect(wasm.detail).toMatch(/SIMD (on|off)/);
    expect(probeCpu().available).toBe(true);
  });
});
