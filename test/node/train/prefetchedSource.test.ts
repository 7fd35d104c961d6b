import {createHash} from "node:crypto";
import {once} from "node:events";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {Worker} from "node:worker_threads";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {batchWorkerThread, diskData, spawnBatchWorkerThread, threadBatchWorker, type DiskData} from "../../../scripts/batchWorkerThread.js";
import {diskReader, diskWriter} from "../../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../../src/lib/data/reinforcedLoader.js";
import {writeReinforcedSet} from "../../../src/lib/data/reinforcedWriter.js";
import {reinforcedSource, type BatchSource, type TrainBatch} from "../../../src/lib/train/batchSource.js";
import type {Checkpoint} from "../../../src/lib/train/checkpoint.js";
import {prefetchedSource, type BatchWorker, type BatchWorkerReply, type BatchWorkerRequest} from "../../../src/lib/train/prefetchedSource.js";
import type {TrainSettings} from "../../../src/lib/train/settings.js";
import {Trainer, type TrainerEvent} from "../../../src/lib/train/trainer.js";
import {useBackend} from "../backends.js";
import {TINY_SIZE, tinyModel, tinySources, tokenizer} from "./fixtures.js";

/** A 30-sample set at 32×32 in three shards, so batches of 8 cross an epoch every 3 batches. */
const SAMPLES = 30;
let dir: string;
let tiny: ReinforcedSet;

beforeAll(async () => {
  await useBackend("wasm");
  dir = mkdtempSync(join(tmpdir(), "prefetch-"));
  // Seeded rows stand in for teachers: the test is about which rows travel with which view.
  let k = 0;
  const rows = (n: number) => Float32Array.from({length: n * 20}, () => Math.sin(++k));
  await writeReinforcedSet({
    sources: await tinySources(),
    samples: SAMPLES,
    seed: 5,
    teachers: [{name: "a", dim: 12, logitScale: 20}, {name: "b", dim: 8, logitScale: 30}],
    size: TINY_SIZE,
    shardSamples: 10,
    dtype: "float32",
    write: diskWriter(dir),
    embed: async (images, captions) => ({imageEmb: rows(images.count), textEmb: rows(captions.length)})
  });
  tiny = await ReinforcedSet.open(diskReader(dir));
});

afterAll(() => rmSync(dir, {recursive: true, force: true}));

/**
 * The next `n` batches, each array as a digest of its exact bytes: a deep comparison of the
 * default batch's 786,432 pixels element by element takes vitest seconds.
 */
async function draw(source: BatchSource, n: number) {
  const bytes = (a: Float32Array) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
  const batches = [];
  for (let i = 0; i < n; i++) {
    const {images, captions, syntheticCaptions, teacher} = await source.next();
    batches.push({shape: [images.count, images.height, images.width], images: bytes(images.data), captions, syntheticCaptions, teacher: teacher && [teacher.image, teacher.text, teacher.syntheticText].map(bytes)});
  }
  return batches;
}

/** Resolves when `thread` has exited; fails the test naming it if that takes more than 10 s. */
async function exited(thread: Worker, label: string): Promise<void> {
  if (thread.threadId === -1) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${label}: its batch worker thread is still running`)), 10_000)));
  await Promise.race([once(thread, "exit"), late]).finally(() => clearTimeout(timer));
}

/** Node batch worker threads that also land in `threads`, to check which are still running. */
function countedSpawn(threads: Worker[]): () => BatchWorker<DiskData> {
  return () => {
    const thread = batchWorkerThread();
    threads.push(thread);
    return threadBatchWorker(thread);
  };
}

describe("prefetchedSource: batches drawn in a worker thread", () => {
  it("are the plain source's, in order and in content, across epochs", async () => {
    const settings = {batchSize: 8, seed: 3, groupedBatches: false};
    const plain = await draw(reinforcedSource(tiny, await tinySources(), settings), 8);
    const source = prefetchedSource(spawnBatchWorkerThread, tiny, diskData(dir), settings);
    try {
      expect(source.teacherDims).toEqual([12, 8]);
      expect(source.teacherScales).toEqual([20, 30]);
      expect(await draw(source, 8)).toEqual(plain);
    } finally {
      source.dispose!();
    }
  });

  it("are the plain source's over the committed set at the default batch, singly and in identity groups", async () => {
    const committed = await ReinforcedSet.open(diskReader("data/reinforced"));
    for (const groupedBatches of [false, true]) {
      const settings = {batchSize: 64, seed: 1, groupedBatches};
      const plain = await draw(reinforcedSource(committed, await tinySources(), settings), 3);
      const source = prefetchedSource(spawnBatchWorkerThread, committed, diskData("data/reinforced"), settings);
      try {
        expect(await draw(source, 3), `groupedBatches ${groupedBatches}`).toEqual(plain);
      } finally {
        source.dispose!();
      }
    }
  });

  it("go on where a resumed run left off: past `drawn` batches they are the unbroken stream's next ones, across epochs", async () => {
    const settings = {batchSize: 8, seed: 3, groupedBatches: false};
    const sources = await tinySources();
    // Three batches an epoch: 2 stops inside the first epoch, 3 at its end, 5 and 7 in later ones.
    const plain = await draw(reinforcedSource(tiny, sources, settings), 9);
    for (const drawn of [0, 2, 3, 5, 7]) expect(await draw(reinforcedSource(tiny, sources, settings, drawn), 9 - drawn), `drawn ${drawn}`).toEqual(plain.slice(drawn));
    const source = prefetchedSource(spawnBatchWorkerThread, tiny, diskData(dir), settings, {drawn: 5});
    try {
      expect(await draw(source, 4)).toEqual(plain.slice(5));
    } finally {
      source.dispose!();
    }
    expect(() => reinforcedSource(tiny, sources, settings, -1)).toThrow("reinforcedSource: drawn must be an integer ≥ 0, got -1");
  });

  it("go on where a resumed run left off in identity groups too (the committed set)", async () => {
    const committed = await ReinforcedSet.open(diskReader("data/reinforced"));
    const settings = {batchSize: 64, seed: 2, groupedBatches: true};
    const sources = await tinySources();
    const plain = await draw(reinforcedSource(committed, sources, settings), 3);
    expect(await draw(reinforcedSource(committed, sources, settings, 2), 1)).toEqual(plain.slice(2));
  });

  it("train to the same losses as the plain source", async () => {
    const losses = async (createSource: (s: TrainSettings) => BatchSource) => {
      const trainer = await Trainer.create({tokenizer, createModel: (s) => tinyModel(s.seed), createSource: async (s) => createSource(s)}, {batchSize: 8, steps: 4, warmupSteps: 1, evalEvery: 0});
      const totals: number[] = [];
      for (let i = 0; i < 4; i++) totals.push((await trainer.trainStep()).total);
      trainer.dispose();
      return totals;
    };
    const sources = await tinySources();
    const plain = await losses((s) => reinforcedSource(tiny, sources, s));
    expect(await losses((s) => prefetchedSource(spawnBatchWorkerThread, tiny, diskData(dir), s))).toEqual(plain);
  });

  it("refuses a bad batch size, naming the setting, before any worker starts", async () => {
    const committed = await ReinforcedSet.open(diskReader("data/reinforced"));
    const threads: Worker[] = [];
    expect(() => prefetchedSource(countedSpawn(threads), committed, diskData("data/reinforced"), {batchSize: 24, seed: 1, groupedBatches: true})).toThrow(/^settings\.batchSize: 24 is not a multiple/);
    expect(() => prefetchedSource(countedSpawn(threads), committed, diskData("data/reinforced"), {batchSize: 64, seed: 1, groupedBatches: false}, {depth: 0})).toThrow("prefetchedSource: depth must be an integer ≥ 1, got 0");
    expect(() => prefetchedSource(countedSpawn(threads), committed, diskData("data/reinforced"), {batchSize: 64, seed: 1, groupedBatches: false}, {drawn: 1.5})).toThrow("prefetchedSource: drawn must be an integer ≥ 0, got 1.5");
    expect(threads).toHaveLength(0);
  });
});

describe("prefetchedSource: failures", () => {
  it("fails the step that needs a batch the worker could not draw, with the worker's reason, and the run stops saying so", async () => {
    const missing = join(dir, "no-such-set");
    const threads: Worker[] = [];
    const trainer = await Trainer.create(
      {tokenizer, createModel: (s) => tinyModel(s.seed), createSource: async (s) => prefetchedSource(countedSpawn(threads), tiny, diskData(missing), s)},
      {batchSize: 8, steps: 4, warmupSteps: 1, evalEvery: 0}
    );
    const states: TrainerEvent[] = [];
    trainer.on((e) => void (e.type === "state" && states.push(e)));
    await trainer.start();
    expect(trainer.state).toBe("stopped");
    expect(trainer.step).toBe(0);
    const last = states.at(-1);
    expect(last).toMatchObject({cause: "failed"});
    expect(last?.type === "state" && last.reason).toMatch(/^the batch worker could not draw a batch: .*no-such-set.*manifest\.json/);
    // A source that failed has no use for its worker.
    await exited(threads[0], "after the failed step");
    trainer.dispose();
  });

  it("delivers the batches drawn before a failed draw, then fails that one and every later one", async () => {
    const batch = (k: number): TrainBatch => ({images: {count: 1, width: 1, height: 1, data: Float32Array.of(k, k, k)}, captions: [`${k}`], syntheticCaptions: [`${k}`]});
    const script: BatchWorkerReply[] = [{type: "batch", batch: batch(1)}, {type: "batch", batch: batch(2)}, {type: "error", message: "scene 7: bad glyph"}, {type: "batch", batch: batch(4)}];
    const requests: BatchWorkerRequest<null>[] = [];
    let terminated = 0;
    let listener: (m: BatchWorkerReply) => void = () => {};
    const fake: BatchWorker<null> = {
      post(request) {
        requests.push(request);
        if (request.type === "next") {
          const reply = script.shift();
          if (reply) setTimeout(() => listener(reply), 0);
        }
      },
      listen: (reply) => void (listener = reply),
      terminate: () => void terminated++
    };
    const source = prefetchedSource(() => fake, tiny, null, {batchSize: 8, seed: 1, groupedBatches: false});
    expect(requests.map((r) => r.type)).toEqual(["open", "next", "next"]);
    expect((await source.next()).captions).toEqual(["1"]);
    expect((await source.next()).captions).toEqual(["2"]);
    await expect(source.next()).rejects.toThrow("the batch worker could not draw a batch: scene 7: bad glyph");
    await expect(source.next()).rejects.toThrow("scene 7: bad glyph");
    expect(terminated).toBe(1);
    source.dispose!();
    expect(terminated).toBe(1);
  });

  it("fails a waiting step when the worker's thread throws or exits on its own", async () => {
    for (const [code, reason] of [
      ["throw new Error('out of memory drawing scenes')", "the batch worker failed: out of memory drawing scenes"],
      ["process.exit(3)", "the batch worker failed: its thread exited with code 3"]
    ]) {
      const thread = new Worker(`setTimeout(() => { ${code} }, 50)`, {eval: true});
      const source = prefetchedSource(() => threadBatchWorker(thread), tiny, diskData(dir), {batchSize: 8, seed: 1, groupedBatches: false});
      await expect(source.next()).rejects.toThrow(reason);
      await expect(source.next()).rejects.toThrow(reason);
      await exited(thread, reason);
    }
  });
});

describe("prefetchedSource: teardown", () => {
  it("reset, a failed resume and dispose leave no batch worker thread running", async () => {
    const threads: Worker[] = [];
    const settings = {batchSize: 8, steps: 4, warmupSteps: 1, evalEvery: 0};
    const trainer = await Trainer.create({tokenizer, createModel: (s) => tinyModel(s.seed), createSource: async (s) => prefetchedSource(countedSpawn(threads), tiny, diskData(dir), s)}, settings);
    await trainer.trainStep();
    expect(threads).toHaveLength(1);

    await trainer.reset();
    expect(threads).toHaveLength(2);
    await exited(threads[0], "after reset, the first run's");
    expect(threads[1].threadId).not.toBe(-1);

    // A restart refused for its settings starts no worker and keeps the live run's.
    await expect(trainer.restart({batchSize: 1})).rejects.toThrow(/settings\.batchSize/);
    expect(threads).toHaveLength(2);

    // A checkpoint that does not fit fails after its run's source was built: that source's worker goes too.
    const config = JSON.parse(JSON.stringify(trainer.model.config));
    config.image.width += 8;
    const checkpoint: Checkpoint = {model: config, tokenizer: tokenizer.toJSON(), weights: await trainer.model.exportWeights(), step: 0, optimizer: (await trainer.checkpoint()).optimizer, meta: {settings: trainer.settings}};
    await expect(trainer.resume(checkpoint, "wider.ckpt")).rejects.toThrow(/checkpoint wider\.ckpt: its model does not match/);
    expect(threads).toHaveLength(3);
    await exited(threads[2], "after the refused checkpoint, its");
    expect(threads[1].threadId).not.toBe(-1);
    expect((await trainer.trainStep()).step).toBe(1);

    trainer.dispose();
    await exited(threads[1], "after dispose, the live run's");
  });
});
