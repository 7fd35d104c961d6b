// Node's batch worker: a worker thread running scripts/batchWorker.ts, held through the
// BatchWorker interface that prefetchedSource.ts takes.
import {resolve} from "node:path";
import {Worker} from "node:worker_threads";
import type {BatchWorker} from "../src/lib/train/prefetchedSource.js";

/** Where the worker finds the reinforced set (a folder; an absolute path, so the thread's cwd does not matter). */
export interface DiskData {
  reinforced: string;
}

export const diskData = (reinforcedDir: string): DiskData => ({reinforced: resolve(reinforcedDir)});

/**
 * Starts the batch worker thread. A thread's entry is loaded before any `--import` hook the
 * parent was started with applies to it (Node 20), so tsx is registered inside the thread first
 * and the TypeScript entry imported after.
 */
export function batchWorkerThread(): Worker {
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./batchWorker.ts", import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`, {eval: true});
}

/** `thread` as prefetchedSource's BatchWorker: its errors, and any exit it was not asked for, fail the source. */
export function threadBatchWorker(thread: Worker): BatchWorker<DiskData> {
  let terminated = false;
  return {
    post: (request) => thread.postMessage(request),
    listen(reply, fail) {
      thread.on("message", reply);
      thread.on("error", fail);
      thread.on("exit", (code) => {
        if (!terminated) fail(new Error(`its thread exited with code ${code}`));
      });
    },
    terminate() {
      terminated = true;
      void thread.terminate();
    }
  };
}

/** A fresh batch worker thread: what prefetchedSource's `spawn` is in Node. */
export const spawnBatchWorkerThread = (): BatchWorker<DiskData> => threadBatchWorker(batchWorkerThread());
