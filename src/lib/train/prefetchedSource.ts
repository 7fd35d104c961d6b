import type {ReinforcedSet} from "../data/reinforcedLoader.js";
import type {Sources} from "../data/sources.js";
import {checkDrawn, reinforcedSource, reinforcedTeachers, type BatchSource, type ReinforcedSourceSettings, type TrainBatch} from "./batchSource.js";

/**
 * Batches of a reinforced set drawn ahead on another thread. A training step's wasm kernels run
 * synchronously, so a promise-based prefetch on the trainer's own thread would overlap nothing:
 * rendering and augmenting the next batches must happen in a worker while the step computes.
 * The worker builds the very `reinforcedSource` the trainer would, and its replies arrive in
 * order, so the batches are the same, in the same order, as without prefetching.
 *
 * Both ends are written here against the small interfaces below; each platform's entry points
 * adapt its own worker API to them (worker_threads in scripts/, Web Workers in src/workers/).
 */

/** Batches drawn ahead of the step that will take them. */
export const PREFETCH_DEPTH = 2;

/**
 * What the trainer's thread sends: where the data is (each platform's own description, `D`) and
 * which batches, then one `next` per batch wanted.
 */
export type BatchWorkerRequest<D> = {type: "open"; data: D; settings: ReinforcedSourceSettings; drawn: number} | {type: "next"};

/** One reply per `next`, in the order asked. */
export type BatchWorkerReply = {type: "batch"; batch: TrainBatch} | {type: "error"; message: string};

/** A batch worker as the trainer's thread holds it. */
export interface BatchWorker<D> {
  post(request: BatchWorkerRequest<D>): void;
  /** `fail` is for the worker itself failing (its script did not load, it crashed or exited); a draw's error is a reply. */
  listen(reply: (message: BatchWorkerReply) => void, fail: (error: Error) => void): void;
  terminate(): void;
}

/** The worker's own end of the channel. */
export interface BatchWorkerScope<D> {
  post(reply: BatchWorkerReply, transfer: ArrayBuffer[]): void;
  listen(request: (message: BatchWorkerRequest<D>) => void): void;
}

/**
 * A source whose batches a worker from `spawn` draws, `depth` ahead, after passing over `drawn`
 * (a resumed run's, as `reinforcedSource` does). The settings are checked against `set` before
 * the worker starts. A draw that fails in the worker fails the `next` that asked for that batch,
 * naming the worker and the cause, and every `next` after it; `dispose` terminates the worker.
 */
export function prefetchedSource<D>(
  spawn: () => BatchWorker<D>,
  set: ReinforcedSet,
  data: D,
  settings: ReinforcedSourceSettings,
  {drawn = 0, depth = PREFETCH_DEPTH}: {drawn?: number; depth?: number} = {}
): BatchSource {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new Error(`prefetchedSource: depth must be an integer ≥ 1, got ${depth}`);
  checkDrawn("prefetchedSource", drawn);
  const teachers = reinforcedTeachers(set, settings);
  const {batchSize, seed, groupedBatches} = settings;
  const worker = spawn();
  const arrived: BatchWorkerReply[] = [];
  const waiting: {resolve: (batch: TrainBatch) => void; reject: (error: Error) => void}[] = [];
  let broken: Error | null = null;

  const breakWith = (error: Error) => {
    if (broken) return;
    broken = error;
    worker.terminate();
    arrived.length = 0;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  // Each batch handed over asks for one more, so `depth` are always drawn or being drawn.
  const take = (reply: BatchWorkerReply): TrainBatch => {
    if (reply.type === "error") {
      breakWith(new Error(`the batch worker could not draw a batch: ${reply.message}`));
      throw broken!;
    }
    worker.post({type: "next"});
    return reply.batch;
  };

  worker.listen(
    (reply) => {
      if (broken) return;
      const w = waiting.shift();
      if (!w) arrived.push(reply);
      else {
        try {
          w.resolve(take(reply));
        } catch (error) {
          w.reject(error as Error);
        }
      }
    },
    (error) => breakWith(new Error(`the batch worker failed: ${error.message}`))
  );
  worker.post({type: "open", data, settings: {batchSize, seed, groupedBatches}, drawn});
  for (let k = 0; k < depth; k++) worker.post({type: "next"});

  return {
    ...teachers,
    async next() {
      if (broken) throw broken;
      const reply = arrived.shift();
      if (reply) return take(reply);
      return new Promise<TrainBatch>((resolve, reject) => waiting.push({resolve, reject}));
    },
    dispose() {
      breakWith(new Error("the batch source was disposed (the run was reset or closed)"));
    }
  };
}

/**
 * The worker's side: opens the data it is sent (through `open`, the platform's file access) and
 * answers each `next` with the next batch, one at a time in order, its arrays transferred.
 */
export function serveBatches<D>(scope: BatchWorkerScope<D>, open: (data: D) => Promise<{set: ReinforcedSet; sources: Sources}>): void {
  let source: Promise<BatchSource> | null = null;
  let answered: Promise<void> = Promise.resolve();
  scope.listen((request) => {
    if (request.type === "open") {
      source = open(request.data).then(({set, sources}) => reinforcedSource(set, sources, request.settings, request.drawn));
      // Every `next` awaits it and reports its failure; this only keeps it from counting as unhandled.
      source.catch(() => {});
      return;
    }
    answered = answered.then(async () => {
      try {
        if (!source) throw new Error("a batch was asked for before the worker was told where the data is (open)");
        const batch = await (await source).next();
        scope.post({type: "batch", batch}, transferable(batch));
      } catch (error) {
        scope.post({type: "error", message: error instanceof Error ? error.message : String(error)}, []);
      }
    });
  });
}

/** The buffers a batch can hand over without a copy: those its arrays fill alone (a shared one is cloned). */
function transferable(batch: TrainBatch): ArrayBuffer[] {
  const arrays = [batch.images.data, ...(batch.teacher ? [batch.teacher.image, batch.teacher.text, batch.teacher.syntheticText] : [])];
  return arrays.filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
}
