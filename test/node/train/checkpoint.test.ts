import {beforeAll, describe, expect, it} from "vitest";
import {decodeCheckpoint, encodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import {Trainer} from "../../../src/lib/train/trainer.js";
import {useBackend} from "../backends.js";
import {tinySetup} from "./fixtures.js";

beforeAll(() => useBackend("wasm"));

async function trainedCheckpoint() {
  const setup = tinySetup({teachers: true});
  const trainer = await Trainer.create(setup, {batchSize: 4, steps: 50, warmupSteps: 2, evalEvery: 0});
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const bytes = encodeCheckpoint({
    model: trainer.model.config,
    tokenizer: setup.tokenizer.toJSON(),
    weights: await trainer.model.exportWeights(),
    step: trainer.step,
    optimizer: await trainer.exportOptimizer(),
    meta: {note: "test"}
  });
  return {trainer, bytes, setup};
}

describe("checkpoints", () => {
  it("restore weights, optimizer moments and step exactly", async () => {
    const {trainer, bytes, setup} = await trainedCheckpoint();
    // Decode from a view inside a larger buffer, as Node's file reads hand it over.
    const padded = Buffer.concat([Buffer.alloc(13, 7), Buffer.from(bytes)]).subarray(13);
    const restored = decodeCheckpoint(padded, "padded");
    expect(restored.step).toBe(3);
    expect(restored.meta).toEqual({note: "test"});

    const resumed = await Trainer.create(setup, {...trainer.settings});
    resumed.model.importWeights(restored.weights);
    resumed.restorePosition(restored.step, restored.optimizer!);
    expect(resumed.step).toBe(3);
    const [a, b] = [await trainer.model.exportWeights(), await resumed.model.exportWeights()];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, w] of a) expect(b.get(name)!.values, name).toEqual(w.values);
    expect(await resumed.exportOptimizer()).toEqual(await trainer.exportOptimizer());
    for (const t of [trainer, resumed]) t.dispose();
  });

  it("reject damage, naming the checkpoint and the field", async () => {
    const {trainer, bytes} = await trainedCheckpoint();
    trainer.dispose();
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]), "tiny.ckpt")).toThrow(/checkpoint tiny.ckpt: not a DM-CLIP Lab checkpoint/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), "cut.ckpt")).toThrow(/checkpoint cut.ckpt: .* lies outside the file \(truncated\?/);
    const badHeader = bytes.slice();
    badHeader[12] = 0x78; // the header's opening "{" becomes "x"
    expect(() => decodeCheckpoint(badHeader, "header.ckpt")).toThrow(/checkpoint header.ckpt: the header is not valid JSON/);
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    expect(() => decodeCheckpoint(nan, "nan.ckpt")).toThrow(/checkpoint nan.ckpt: optimizer v ".*" holds non-finite values/);
  });
});
