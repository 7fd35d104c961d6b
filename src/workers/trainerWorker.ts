// The training worker: owns tfjs, the data and the Trainer, so a step never blocks the page.
// The page talks to it through WorkerRequest / WorkerMessage (workerProtocol.ts). Bundled by
// scripts/siteAssets.ts into src/assets/trainer-worker.js (it is a worker, so it may import the
// wasm backend package, which src/lib must not: esbuild bundles it for browsers).
import * as tf from "@tensorflow/tfjs";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {urlReader} from "../lib/data/fetchBytes.js";
import {ReinforcedSet} from "../lib/data/reinforcedLoader.js";
import {loadSources} from "../lib/data/sources.js";
import {EmbeddingProbe} from "../lib/embed/embeddingProbe.js";
import {umapLayout} from "../lib/embed/umap.js";
import {selectBackend} from "../lib/runtime/backendSelection.js";
import {decodeCheckpoint, encodeCheckpoint} from "../lib/train/checkpoint.js";
import {clipEncoders, suiteEvaluator} from "../lib/train/clipEncoders.js";
import {labTokenizer, studentModel} from "../lib/train/models.js";
import {RunRecorder} from "../lib/train/runRecorder.js";
import {LIVE_EVAL_SIZES, type TrainSettings} from "../lib/train/settings.js";
import {prefetchedSource, type BatchWorker} from "../lib/train/prefetchedSource.js";
import {Trainer} from "../lib/train/trainer.js";
import type {BatchView, BatchWorkerData, WorkerData, WorkerMessage, WorkerRequest, WorkerStatus} from "../lib/train/workerProtocol.js";

const LIVE_EVAL = {...LIVE_EVAL_SIZES, keys: undefined as string[] | undefined};
const VIEW_SIZE = 8;

let trainer: Trainer | null = null;
// The run's record lives here, beside the trainer, so no page has to rebuild it from events.
let recorder: RunRecorder | null = null;
let backend = {name: "", reason: ""};
let samples = 0;
let probe: EmbeddingProbe | null = null;

const post = (message: WorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

function status(t: Trainer): WorkerStatus {
  return {backend: backend.name, reason: backend.reason, settings: {...t.settings}, state: t.state, step: t.step, parameters: t.model.parameterCounts(), samples};
}

async function init(requested: string, data: WorkerData, settings: Partial<TrainSettings>): Promise<WorkerStatus> {
  setWasmPaths(data.wasmPaths);
  const choice = await selectBackend(requested);
  backend = {name: choice.backend, reason: choice.reason};
  const sources = await loadSources(urlReader(data.sources));
  const set = await ReinforcedSet.open(urlReader(data.reinforced));
  samples = set.manifest.samples;
  probe = new EmbeddingProbe(set, sources);
  const tokenizer = labTokenizer();
  trainer = await Trainer.create(
    {
      tokenizer,
      createModel: (s) => studentModel(s.student, tokenizer, s.seed),
      // Batches are drawn in a nested worker while this one computes the step.
      createSource: async (s, drawn) => prefetchedSource(() => nestedBatchWorker(data.batchWorker), set, {sources: data.sources, reinforced: data.reinforced}, s, {drawn}),
      evaluate: suiteEvaluator(sources, LIVE_EVAL)
    },
    settings
  );
  const t = trainer;
  recorder = new RunRecorder(t, {backend: choice.backend, machine: navigator.userAgent});
  t.on((event) => post({type: "event", event, status: status(t)}));
  return status(t);
}

/** The batch worker at `url`, nested in this one, as prefetchedSource's BatchWorker. */
function nestedBatchWorker(url: string): BatchWorker<BatchWorkerData> {
  const worker = new Worker(url, {type: "module"});
  return {
    post: (request) => worker.postMessage(request),
    listen(reply, fail) {
      worker.onmessage = (event) => reply(event.data);
      worker.onerror = (event) => {
        // Handled here: unhandled, it would reach the page as this training worker's own failure.
        event.preventDefault();
        fail(new Error(event.message || `its script ${url} did not load or threw`));
      };
      worker.onmessageerror = () => fail(new Error("a batch could not be read from its message"));
    },
    terminate: () => worker.terminate()
  };
}

/** Cosine similarities of the first n images against the first n captions, student and teachers. */
async function view(t: Trainer): Promise<BatchView | null> {
  const batch = t.batch;
  if (!batch) return null;
  const n = Math.min(VIEW_SIZE, batch.images.count);
  const {height, width} = batch.images;
  const images = {count: n, height, width, data: batch.images.data.slice(0, n * height * width * 3)};
  const captions = batch.captions.slice(0, n);
  const student = tf.tidy(() => {
    const u = t.model.encodeImage(tf.tensor4d(images.data, [n, height, width, 3]));
    const v = t.model.encodeText(t.tokenizer.encodeBatch(captions));
    return tf.matMul(u, tf.transpose(v));
  });
  let teacher: tf.Tensor | null = null;
  if (batch.teacher && t.teacherDims.length > 0) {
    const dims = t.teacherDims;
    const total = dims.reduce((a, b) => a + b, 0);
    teacher = tf.tidy(() => {
      const rows = (x: Float32Array) => tf.split(tf.tensor2d(x.slice(0, n * total), [n, total]), [...dims], 1);
      const us = rows(batch.teacher!.image);
      const vs = rows(batch.teacher!.text);
      return tf.div(tf.addN(us.map((u, k) => tf.matMul(u, tf.transpose(vs[k])))), dims.length);
    });
  }
  const result: BatchView = {
    step: t.step,
    batch: {captions, images},
    student: Float32Array.from(await student.data()),
    teacher: teacher ? Float32Array.from(await teacher.data()) : null,
    n
  };
  tf.dispose([student, ...(teacher ? [teacher] : [])]);
  return result;
}

function ready<T>(value: T | null): T {
  if (!value) throw new Error("the trainer is not initialised yet (send init first)");
  return value;
}

async function handle(request: WorkerRequest): Promise<[unknown, Transferable[]]> {
  switch (request.type) {
    case "init":
      return [await init(request.backend, request.data, request.settings), []];
    case "start":
      void ready(trainer).start();
      return [status(ready(trainer)), []];
    case "pause":
      await ready(trainer).pause();
      return [status(ready(trainer)), []];
    case "step":
      return [await ready(trainer).trainStep(), []];
    case "update":
      ready(trainer).update(request.changes);
      return [status(ready(trainer)), []];
    case "restart":
      await ready(trainer).restart(request.changes);
      return [status(ready(trainer)), []];
    case "view":
      return [await view(ready(trainer)), []];
    case "evaluate":
      return [await ready(trainer).evaluate(), []];
    case "exportRun":
      return [ready(recorder).export(), []];
    case "saveCheckpoint": {
      const t = ready(trainer);
      await t.pause();
      const bytes = encodeCheckpoint(await t.checkpoint({backend: backend.name, savedAt: new Date().toISOString()}));
      return [bytes, [bytes.buffer]];
    }
    case "loadCheckpoint": {
      const t = ready(trainer);
      await t.resume(decodeCheckpoint(request.bytes, "(loaded file)"), "(loaded file)");
      return [status(t), []];
    }
    case "embed": {
      const t = ready(trainer);
      return [await clipEncoders(t.model, t.tokenizer).encodeTexts(request.texts), []];
    }
    case "probe":
      return [await ready(probe).probeSet(request.count), []];
    case "probeEmbeddings":
      return [await ready(probe).studentEmbeddings(ready(trainer)), []];
    case "umap":
      return [umapLayout(request.rows, request.count, request.dim, {seed: request.seed}), []];
    case "search":
      return [await ready(probe).search(request.text, request.k, ready(trainer), urlReader(request.teachers)), []];
  }
}

self.onmessage = async (message: MessageEvent<{id: number; request: WorkerRequest}>) => {
  const {id, request} = message.data;
  try {
    const [result, transfer] = await handle(request);
    post({type: "reply", id, ok: true, result}, transfer);
  } catch (error) {
    post({type: "reply", id, ok: false, error: (error as Error).message ?? String(error)});
  }
};
