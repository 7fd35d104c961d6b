import * as tf from "@tensorflow/tfjs";
import {WebGPUBackend} from "@tensorflow/tfjs-backend-webgpu";
import {existsSync} from "node:fs";
import os from "node:os";
import {join} from "node:path";
import {probeWebGPU, type BackendProbe} from "../src/lib/runtime/backendSelection.js";

/*
 * tfjs's webgpu backend in Node, through Dawn (the `webgpu` package). Dawn runs WebGPU over
 * Vulkan. Unless VK_ICD_FILENAMES names a Vulkan driver (a real GPU's, with the system's Vulkan
 * loader), it uses the SwiftShader driver that Debian's chromium ships: correct, but it emulates a
 * GPU on the CPU, so what it runs checks kernels rather than timing them.
 */

const CHROMIUM_DIR = "/usr/lib/chromium";
const VULKAN_LOADER = "libvulkan.so.1";
const SWIFTSHADER_ICD = "vk_swiftshader_icd.json";
// glibc's, which os.constants.dlopen does not list: the library stays loaded after a failed load.
const RTLD_NODELETE = 0x1000;
// Below cpu's 1: a process that installs Dawn still starts on cpu or wasm unless webgpu is asked for.
const OPT_IN_PRIORITY = 0;

/** Dawn cannot start here; the message names what is missing. */
export class WebGPUUnavailable extends Error {}

/**
 * Chromium keeps its Vulkan loader in its own directory, where dlopen looks only if
 * LD_LIBRARY_PATH said so when the process started. Loading it by path once keeps it resident, and
 * Dawn's later dlopen("libvulkan.so.1") finds it by soname, so no launcher has to set the variable.
 * process.dlopen then fails, as the library is no Node addon; that failure is expected.
 */
function preloadChromiumVulkan(): void {
  const loader = join(CHROMIUM_DIR, VULKAN_LOADER);
  try {
    process.dlopen({exports: {}}, loader, RTLD_NODELETE | os.constants.dlopen.RTLD_NOW);
  } catch (error) {
    if (!/did not self-register/.test(String(error))) throw new WebGPUUnavailable(`WebGPU in Node: cannot load ${loader}: ${String(error)}`);
  }
}

let installing: Promise<BackendProbe> | null = null;

/**
 * Gives Node the browser globals tfjs's webgpu backend reads (navigator.gpu, GPUBufferUsage and
 * the rest) and registers that backend; returns the adapter as probeWebGPU describes it. Throws
 * WebGPUUnavailable, naming what is missing, when Dawn cannot start. Idempotent.
 */
export function installDawnWebGPU(): Promise<BackendProbe> {
  installing ??= install().catch((error) => {
    installing = null;
    throw error;
  });
  return installing;
}

async function install(): Promise<BackendProbe> {
  if (process.platform !== "linux") throw new WebGPUUnavailable(`WebGPU in Node is set up for Linux (Dawn over Vulkan), not ${process.platform}`);
  const driverChosen = Boolean(process.env.VK_ICD_FILENAMES);
  if (!driverChosen) {
    for (const file of [VULKAN_LOADER, SWIFTSHADER_ICD]) {
      if (!existsSync(join(CHROMIUM_DIR, file))) {
        throw new WebGPUUnavailable(
          `WebGPU in Node: ${join(CHROMIUM_DIR, file)} is missing; install Debian's chromium (its SwiftShader Vulkan driver), ` +
            "or set VK_ICD_FILENAMES to a Vulkan driver's manifest"
        );
      }
    }
    preloadChromiumVulkan();
    process.env.VK_ICD_FILENAMES = join(CHROMIUM_DIR, SWIFTSHADER_ICD);
  }
  const {create, globals} = await import("webgpu");
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, {value, configurable: true, writable: true});
  }
  const gpu = create([]);
  const host = globalThis as {navigator?: object};
  host.navigator ??= {};
  Object.defineProperty(host.navigator, "gpu", {value: gpu, configurable: true});
  const probe = await probeWebGPU();
  if (!probe.available) {
    throw new WebGPUUnavailable(
      driverChosen
        ? `WebGPU in Node: Dawn found no adapter with VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES} (${probe.detail}); ` +
            `that driver needs the Vulkan loader, ${VULKAN_LOADER}, on the library path; unset the variable for Chromium's SwiftShader`
        : `WebGPU in Node: Dawn found no adapter on Chromium's SwiftShader driver in ${CHROMIUM_DIR} (${probe.detail})`
    );
  }
  // tfjs registers its webgpu factory only if navigator.gpu exists when its package is first
  // imported, which in Node it never does; this is that factory without the optional features
  // (timestamp queries, bgra8unorm storage) training does not use. The adapter's own limits
  // replace WebGPU's defaults, which cap a storage binding at 128 MiB.
  tf.registerBackend("webgpu", async () => {
    const adapter = await gpu.requestAdapter({powerPreference: "high-performance"});
    if (!adapter) throw new WebGPUUnavailable("WebGPU in Node: the adapter went away");
    const {maxBufferSize, maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize, maxComputeWorkgroupsPerDimension, maxComputeWorkgroupSizeX, maxComputeInvocationsPerWorkgroup} =
      adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {maxBufferSize, maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize, maxComputeWorkgroupsPerDimension, maxComputeWorkgroupSizeX, maxComputeInvocationsPerWorkgroup}
    });
    return new WebGPUBackend(device, adapter.info);
  }, OPT_IN_PRIORITY);
  return probe;
}
