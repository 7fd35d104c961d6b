// A browser test entry: exposes tfjs and a backend switch on `window.lab`.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {activateBackend as use} from "../../../src/lib/runtime/backendSelection.js";

setWasmPaths(new URL("./", import.meta.url).href);

(window as unknown as {lab: unknown}).lab = {tf, use};
