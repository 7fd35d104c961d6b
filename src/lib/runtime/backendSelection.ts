import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {installSpeedFixes} from "./speedFixes.js";

// The wasm backend is loaded by the host, not here: Node imports @tensorflow/tfjs-backend-wasm,
// the site a browser build of it (scripts/siteAssets.ts), since the package's own ESM entry
// imports Node's fs and breaks Framework's bundle.

export const BACKEND_ORDER = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === "string" && (BACKEND_ORDER as readonly string[]).includes(name);
}

/** What one backend looks like on this device, before any tensor is made on it. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** Runs on real hardware (not SwiftShader, llvmpipe or a fallback adapter). */
  hardware: boolean;
  /** One line for people: adapter, renderer or wasm features. */
  detail: string;
  info: Record<string, string | boolean>;
}

export interface BackendChoice {
  backend: BackendName;
  /** The override named this backend (and it was available), rather than the lab's order. */
  requested: boolean;
  /** Why, for people. */
  reason: string;
  probes: BackendProbe[];
}

// Software rasterisers and adapters: correct, but far slower than wasm on the same CPU (a
// 256×256 matmul in headless Chromium: SwiftShader WebGPU 0.26 GFLOP/s, SwiftShader WebGL 1.1,
// wasm 17; data/bench/device.json).
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: {powerPreference?: string}): Promise<GpuAdapterLike | null>;
}

export async function probeWebGPU(): Promise<BackendProbe> {
  const gpu = (globalThis.navigator as {gpu?: GpuLike} | undefined)?.gpu;
  if (!gpu) return unavailable("webgpu", "navigator.gpu is missing (no WebGPU in this browser, or not a secure context)");
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter({powerPreference: "high-performance"});
  } catch (error) {
    return unavailable("webgpu", `requestAdapter failed: ${String(error)}`);
  }
  if (!adapter) return unavailable("webgpu", "no WebGPU adapter was found");
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const fallback = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter);
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ");
  const hardware = !fallback && !SOFTWARE.test(text);
  return {
    name: "webgpu",
    available: true,
    hardware,
    detail: `${text || "unnamed adapter"}${fallback ? " (fallback adapter)" : ""}${hardware ? "" : " — software"}`,
    info: {
      vendor: info.vendor ?? "",
      architecture: info.architecture ?? "",
      device: info.device ?? "",
      description: info.description ?? "",
      fallback
    }
  };
}

export function probeWebGL(): BackendProbe {
  const Canvas = (globalThis as {OffscreenCanvas?: typeof OffscreenCanvas}).OffscreenCanvas;
  if (!Canvas) return unavailable("webgl", "OffscreenCanvas is missing (not a browser)");
  const gl = new Canvas(1, 1).getContext("webgl2");
  if (!gl) return unavailable("webgl", "WebGL2 context could not be created");
  const ext = gl.getExtension("WEBGL_debug_renderer_info");
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  const vendor = String(ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR));
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  const hardware = !SOFTWARE.test(`${vendor} ${renderer}`);
  return {
    name: "webgl",
    available: true,
    hardware,
    detail: `${renderer}${hardware ? "" : " — software"}`,
    info: {vendor, renderer}
  };
}

export async function probeWasm(): Promise<BackendProbe> {
  if (typeof WebAssembly === "undefined") return unavailable("wasm", "WebAssembly is missing");
  // tfjs-backend-wasm registers these flags and picks its binary from them.
  const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
  const threads = Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
  const isolated = (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated === true;
  return {
    name: "wasm",
    available: true,
    hardware: true,
    detail: `SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : isolated ? "off" : "off (page not cross-origin isolated)"}`,
    info: {simd, threads, crossOriginIsolated: isolated}
  };
}

export function probeCpu(): BackendProbe {
  return {name: "cpu", available: true, hardware: true, detail: "plain JavaScript", info: {}};
}

function unavailable(name: BackendName, detail: string): BackendProbe {
  return {name, available: false, hardware: false, detail, info: {}};
}

export async function probeBackends(): Promise<BackendProbe[]> {
  return [await probeWebGPU(), probeWebGL(), await probeWasm(), probeCpu()];
}

/**
 * The lab's order: WebGPU on a real GPU, WebGL on real hardware, then WASM, then CPU. GPU
 * backends on software rasterisers are skipped, since wasm beats them by 15–65× on the same CPU.
 * An override (from `?backend=`) wins when that backend is available.
 */
export function chooseBackend(probes: BackendProbe[], override?: string | null): BackendChoice {
  const byName = new Map(probes.map((p) => [p.name, p]));
  const notes: string[] = [];
  if (override != null && override !== "" && override !== "auto") {
    if (!isBackendName(override)) {
      notes.push(`ignored backend "${override}": expected one of ${BACKEND_ORDER.join(", ")}`);
    } else if (byName.get(override)?.available) {
      return {backend: override, requested: true, reason: `requested (${override}): ${byName.get(override)!.detail}`, probes};
    } else {
      notes.push(`requested ${override} is unavailable (${byName.get(override)?.detail ?? "not probed"})`);
    }
  }
  for (const name of BACKEND_ORDER) {
    const probe = byName.get(name);
    if (!probe?.available) continue;
    if ((name === "webgpu" || name === "webgl") && !probe.hardware) {
      notes.push(`skipped ${name}: ${probe.detail}`);
      continue;
    }
    notes.push(`chose ${name}: ${probe.detail}`);
    return {backend: name, requested: false, reason: notes.join("; "), probes};
  }
  throw new Error("chooseBackend: no backend is available, not even cpu (probes: " + probes.map((p) => p.name).join(", ") + ")");
}

/**
 * Probes, chooses and activates a backend. If tfjs refuses the chosen one (setBackend returns
 * false, e.g. a WebGPU device that fails to start), the next in order is tried and the reason
 * says so.
 */
export async function selectBackend(override?: string | null): Promise<BackendChoice> {
  const probes = await probeBackends();
  const failures: string[] = [];
  for (;;) {
    const choice = chooseBackend(probes, override);
    if (await activateBackend(choice.backend)) {
      return failures.length ? {...choice, reason: `${failures.join("; ")}; ${choice.reason}`} : choice;
    }
    failures.push(`${choice.backend} failed to initialise`);
    const probe = probes.find((p) => p.name === choice.backend)!;
    probe.available = false;
    probe.detail = `failed to initialise (${probe.detail})`;
  }
}

/** Switches tfjs to `name`, with the lab's speed fixes for it; false when it cannot start here. */
export async function activateBackend(name: BackendName): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    if (tf.getBackend() !== name) return false;
    installSpeedFixes(name);
    return true;
  } catch {
    return false;
  }
}
