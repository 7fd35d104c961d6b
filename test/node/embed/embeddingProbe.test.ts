import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import type {ClipModel} from "../../../src/lib/clip/clipModel.js";
import {applyAugmentation} from "../../../src/lib/data/augmentation.js";
import {renderSample, sampleKey, type TeacherInfo} from "../../../src/lib/data/reinforcedFormat.js";
import {ReinforcedSet} from "../../../src/lib/data/reinforcedLoader.js";
import {writeReinforcedSet} from "../../../src/lib/data/reinforcedWriter.js";
import {sampleScene} from "../../../src/lib/data/scene.js";
import type {Sources} from "../../../src/lib/data/sources.js";
import {EmbeddingProbe} from "../../../src/lib/embed/embeddingProbe.js";
import {loadTeacherEncoders} from "../../../src/lib/embed/teacherEncoders.js";
import {encodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {TINY_SIZE, tinyModel, tinySources, tokenizer} from "../train/fixtures.js";

const SAMPLES = 30;
const PROBE = 9;

async function rows(t: tf.Tensor): Promise<Float32Array> {
  const values = Float32Array.from(await t.data());
  t.dispose();
  return values;
}

async function checkpointBytes(model: ClipModel): Promise<Uint8Array> {
  return encodeCheckpoint({model: model.config, tokenizer: tokenizer.toJSON(), weights: await model.exportWeights(), step: 0, meta: {}});
}

/**
 * A reinforced set written in memory by two tiny teachers (widths 16 and 8) at 32×32, their
 * checkpoints, and a tiny student: the whole probe path at a fraction of a second.
 */
async function fixture() {
  const sources: Sources = await tinySources();
  const teacherModels = [tinyModel(101, 16), tinyModel(202, 8)];
  const infos: TeacherInfo[] = await Promise.all(
    teacherModels.map(async (m, k) => ({name: `teacher-${"ab"[k]}`, dim: m.image.embedDim, logitScale: (await m.logitScale().data())[0]}))
  );
  const joined = (embed: (m: ClipModel) => tf.Tensor2D) => rows(tf.tidy(() => tf.concat(teacherModels.map(embed), 1)));
  const store = new Map<string, Uint8Array>();
  await writeReinforcedSet({
    sources,
    samples: SAMPLES,
    seed: 3,
    teachers: infos,
    size: TINY_SIZE,
    shardSamples: 10,
    dtype: "float32",
    write: async (file, bytes) => void store.set(file, bytes.slice()),
    embed: async (images, captions) => ({
      imageEmb: await joined((m) => m.encodeImage(tf.tensor4d(images.data, [images.count, images.height, images.width, 3]))),
      textEmb: await joined((m) => m.encodeText(tokenizer.encodeBatch(captions)))
    })
  });
  const read = async (file: string) => store.get(file)!;
  const set = await ReinforcedSet.open(read);
  const checkpoints = new Map(await Promise.all(teacherModels.map(async (m, k) => [infos[k].name, await checkpointBytes(m)] as const)));
  const readTeacher = async (name: string) => {
    const bytes = checkpoints.get(name);
    if (!bytes) throw new Error(`no checkpoint for ${name}`);
    return bytes;
  };
  return {sources, read, set, infos, teacherModels, readTeacher};
}

describe.each(NODE_BACKENDS)("EmbeddingProbe on %s", (backend) => {
  let f: Awaited<ReturnType<typeof fixture>>;
  let student: ClipModel;
  beforeAll(async () => {
    await useBackend(backend);
    f = await fixture();
    student = tinyModel(7);
  });

  it("takes the first one-item scenes, under their first stored augmentation, with their stored teacher rows", async () => {
    const probe = await new EmbeddingProbe(f.set, f.sources).probeSet(PROBE);
    const d = f.set.manifest.embedDim;
    const expected: number[] = [];
    for (let s = 0; s < f.set.manifest.shards.length; s++) {
      const shard = await f.set.readShard(s);
      for (let i = 0; i < shard.samples; i++) if (sampleScene(shard.seeds[i], f.sources, "train").items.length === 1) expected.push(s * 10 + i);
    }
    expect(expected.length).toBeGreaterThanOrEqual(PROBE);
    expect(expected.length).toBeLessThan(SAMPLES);
    expect(probe.count).toBe(PROBE);
    expect(probe.teachers).toEqual(f.infos);
    for (let r = 0; r < PROBE; r++) {
      const shard = await f.set.readShard(Math.floor(expected[r] / 10));
      const i = expected[r] % 10;
      const scene = sampleScene(shard.seeds[i], f.sources, "train");
      expect(probe.seeds[r]).toBe(shard.seeds[i]);
      expect(probe.classIds[r]).toBe(scene.items[0].classId);
      expect(probe.captions[r]).toBe(shard.captions[i][0]);
      const view = applyAugmentation(renderSample(f.sources, sampleKey(shard, i, 1), TINY_SIZE), shard.augmentations[i][0]);
      const n = TINY_SIZE * TINY_SIZE * 3;
      expect(probe.images.data.subarray(r * n, (r + 1) * n)).toEqual(view.data);
      expect(probe.teacherImage.subarray(r * d, (r + 1) * d)).toEqual(shard.imageEmb.subarray(i * 2 * d, (i * 2 + 1) * d));
      expect(probe.teacherText.subarray(r * d, (r + 1) * d)).toEqual(shard.textEmb.subarray(i * 6 * d, (i * 6 + 1) * d));
    }
    await expect(new EmbeddingProbe(f.set, f.sources).probeSet(SAMPLES)).rejects.toThrow(/count is 30, but the reinforced set has only \d+ one-item scenes/);
  });

  it("embeds the probe set with the student as a single batch would, once per step, leaking no tensor", async () => {
    const service = new EmbeddingProbe(f.set, f.sources);
    await expect(service.studentEmbeddings({model: student, tokenizer, step: 0})).rejects.toThrow(/probe set is not loaded/);
    const probe = await service.probeSet(PROBE);
    const before = tf.memory().numTensors;
    const e = await service.studentEmbeddings({model: student, tokenizer, step: 4});
    expect(tf.memory().numTensors).toBe(before);
    const {count, height, width, data} = probe.images;
    expect(relativeError(e.image, await rows(student.encodeImage(tf.tensor4d(data, [count, height, width, 3]))))).toBeLessThan(1e-5);
    expect(relativeError(e.text, await rows(student.encodeText(tokenizer.encodeBatch(probe.captions))))).toBeLessThan(1e-5);
    expect(e).toMatchObject({snapshot: 1, step: 4, dim: 16});
    expect(await service.studentEmbeddings({model: student, tokenizer, step: 4})).toBe(e);
    expect(await service.studentEmbeddings({model: student, tokenizer, step: 5})).toMatchObject({snapshot: 2, step: 5});
  });

  it("searches a caption against the live student and the stored teacher rows, teachers' cosines averaged", async () => {
    const service = new EmbeddingProbe(f.set, f.sources);
    const probe = await service.probeSet(PROBE);
    const query = `${probe.captions[2]} zyzzyva`;
    const before = tf.memory().numTensors;
    const result = await service.search(query, 4, {model: student, tokenizer, step: 9}, f.readTeacher);
    const afterFirst = tf.memory().numTensors;
    await service.search(query, 4, {model: student, tokenizer, step: 9}, f.readTeacher);
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThan(before);
    expect(result).toMatchObject({query, unknownWords: ["zyzzyva"], step: 9, staleTeachers: []});

    // Brute force, with tf ops: the student's cosine, and the mean of each teacher's cosine.
    const x = tf.tensor4d(probe.images.data, [probe.count, probe.images.height, probe.images.width, 3]);
    const q = tokenizer.encodeBatch([query]);
    const studentScores = await rows(tf.tidy(() => tf.matMul(student.encodeImage(x), tf.transpose(student.encodeText(q))).reshape([-1])));
    let offset = 0;
    const perTeacher = await Promise.all(
      f.teacherModels.map((m, k) => {
        const slice = tf.tidy(() => tf.slice(tf.tensor2d(probe.teacherImage, [probe.count, f.set.manifest.embedDim]), [0, offset], [-1, f.infos[k].dim]));
        offset += f.infos[k].dim;
        return rows(tf.tidy(() => tf.matMul(tf.div(slice, tf.norm(slice, 2, 1, true)), tf.transpose(m.encodeText(q))).reshape([-1])));
      })
    );
    tf.dispose([x, q]);
    const best = (scores: ArrayLike<number>) => Array.from(scores, (score, index) => ({index, score})).sort((a, b) => b.score - a.score).slice(0, 4);
    const close = (hits: {index: number; score: number}[]) => hits.map((h) => ({index: h.index, score: expect.closeTo(h.score, 5)}));
    expect(result.student).toEqual(close(best(studentScores)));
    expect(result.teacher).toEqual(close(best(perTeacher[0].map((s, i) => (s + perTeacher[1][i]) / 2))));
  });

  it("reports a teacher checkpoint that is not the one that wrote the set, and rejects bad queries", async () => {
    const moved = {...f.infos[1], logitScale: 3};
    const manifest = new TextEncoder().encode(JSON.stringify({...f.set.manifest, teachers: [f.infos[0], moved]}));
    const service = new EmbeddingProbe(await ReinforcedSet.open(async (file) => (file === "manifest.json" ? manifest : f.read(file))), f.sources);
    await service.probeSet(PROBE);
    const student9 = {model: student, tokenizer, step: 9};
    const result = await service.search("a red 7", 2, student9, f.readTeacher);
    expect(result.staleTeachers).toEqual([{name: "teacher-b", logitScale: f.infos[1].logitScale, setLogitScale: 3}]);
    await expect(service.search("   ", 2, student9, f.readTeacher)).rejects.toThrow(/the caption is empty/);
    await expect(service.search("zork quux", 2, student9, f.readTeacher)).rejects.toThrow(/none of the words of "zork quux" is in the captions' vocabulary/);
  });

  it("fails naming the teacher whose checkpoint is missing or does not fit the set", async () => {
    const probe = await new EmbeddingProbe(f.set, f.sources).probeSet(PROBE);
    const swapped = async (name: string) => f.readTeacher(name === "teacher-a" ? "teacher-b" : name);
    await expect(loadTeacherEncoders(probe.teachers, swapped)).rejects.toThrow(/teacher teacher-a: its checkpoint embeds in 8 dimensions, the reinforced set's slice for it has 16/);
    const service = new EmbeddingProbe(f.set, f.sources);
    await service.probeSet(PROBE);
    const none = async (name: string): Promise<Uint8Array> => {
      throw new Error(`no URL for ${name}`);
    };
    await expect(service.search("a red 7", 2, {model: student, tokenizer, step: 0}, none)).rejects.toThrow(/no URL for teacher-a/);
    // A failed load is retried by the next search.
    expect((await service.search("a red 7", 2, {model: student, tokenizer, step: 0}, f.readTeacher)).teacher).toHaveLength(2);
  });
});
