// A browser entry for RQ2's latency study: `window.lab.study(backend, plan)` runs it on that
// backend with the lab's speed fixes installed (as the site does), for the benchmark script.
import * as tf from "@tensorflow/tfjs";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {activateBackend, isBackendName} from "../../../src/lib/runtime/backendSelection.js";
import {runLatencyStudy, type StudyPlan} from "../../../src/lib/rq/latencyStudy.js";

setWasmPaths(new URL("./", import.meta.url).href);

async function study(backend: string, plan: StudyPlan) {
  if (!isBackendName(backend) || !(await activateBackend(backend))) throw new Error(`backend ${backend} could not start here`);
  const points = await runLatencyStudy(plan);
  return {backend: tf.getBackend(), points};
}

(window as unknown as {lab: unknown}).lab = {study};
