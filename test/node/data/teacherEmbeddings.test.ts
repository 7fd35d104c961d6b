import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, it} from "vitest";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../../src/lib/data/reinforcedLoader.js";
import {writeReinforcedSet} from "../../../src/lib/data/reinforcedWriter.js";
import {decodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import {modelFromCheckpoint} from "../../../src/lib/train/models.js";
import {teacherEmbedFn} from "../../../src/lib/train/teacherEmbedding.js";
import {useBackend} from "../backends.js";

beforeAll(() => useBackend("wasm"));

describe("a reinforced set made by the committed teachers", () => {
  it("stores, for each augmented view it serves, the teachers' embedding of exactly that view (≤ 1e-2 in float16)", async () => {
    const teachers = ["a", "b"].map((k) => modelFromCheckpoint(decodeCheckpoint(readFileSync(`data/teachers/teacher-${k}.ckpt`), `teacher-${k}`)));
    const tokenizer = teachers[0].tokenizer;
    const embed = teacherEmbedFn(teachers.map((t) => t.model), tokenizer);
    const files = new Map<string, Uint8Array>();
    const sources = await loadSourcesFromDisk();
    await writeReinforcedSet({
      sources,
      samples: 12,
      seed: 21,
      shardSamples: 6,
      teachers: teachers.map((t, i) => ({name: `teacher-${"ab"[i]}`, dim: t.model.image.embedDim})),
      embed,
      write: async (file, bytes) => void files.set(file, bytes)
    });
    const set = await ReinforcedSet.open(async (file) => files.get(file)!);
    let checked = 0;
    for await (const batch of set.batches(sources, {batchSize: 4, seed: 3})) {
      const again = await embed(batch.images, [...batch.captions, ...batch.syntheticCaptions]);
      const d = set.manifest.embedDim;
      const worst = (stored: Float32Array, fresh: Float32Array) => Math.max(...stored.map((v, i) => Math.abs(v - fresh[i])));
      expect(worst(batch.imageEmb, again.imageEmb)).toBeLessThanOrEqual(1e-2);
      expect(worst(batch.textEmb, again.textEmb.subarray(0, batch.size * d))).toBeLessThanOrEqual(1e-2);
      expect(worst(batch.syntheticTextEmb, again.textEmb.subarray(batch.size * d))).toBeLessThanOrEqual(1e-2);
      checked += batch.size;
    }
    expect(checked).toBe(12);
    for (const t of teachers) t.model.dispose();
  });
});
