// A browser entry for the Mamba core: `window.lab` runs the shared scan and encoder cases
// (test/node/mamba/scanCases.ts) on whichever backend `use` switched to, and times the scan for
// scripts/bench/scan.ts.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {fusedConvSiluAvailable} from "../../../src/lib/mamba/causalConvSilu.js";
import {fusedScanAvailable} from "../../../src/lib/mamba/selectiveScan.js";
import {timeScan} from "../../../src/lib/mamba/scanTiming.js";
import {VimEncoder} from "../../../src/lib/mamba/vimEncoder.js";
import {CONV_CASES, convFusedVsReference} from "../../node/mamba/convSiluCases.js";
import {encoderFusedVsReference, fusedVsReference, SCAN_CASES, TINY_VIM} from "../../node/mamba/scanCases.js";
import {activateBackend as use} from "../../../src/lib/runtime/backendSelection.js";

setWasmPaths(new URL("./", import.meta.url).href);


/** Every scan and conv + SiLU case, then the tiny encoder, fused against reference; how many tensors that left behind. */
async function checkAll(seed: number) {
  const enc = new VimEncoder(TINY_VIM);
  const before = tf.memory().numTensors;
  const scans = [];
  for (const c of SCAN_CASES) scans.push(await fusedVsReference(c, seed));
  const convs = [];
  for (const c of CONV_CASES) convs.push(await convFusedVsReference(c, seed));
  const encoder = await encoderFusedVsReference(enc, seed);
  const leaked = tf.memory().numTensors - before;
  enc.params.dispose();
  return {fused: fusedScanAvailable(), fusedConv: fusedConvSiluAvailable(), scans, convs, encoder, leaked};
}

(window as unknown as {lab: unknown}).lab = {tf, use, checkAll, timeScan};
