import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, it} from "vitest";
import {stackImages} from "../../../src/lib/data/image.js";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {renderScene} from "../../../src/lib/data/render.js";
import {sampleScene, type Scene} from "../../../src/lib/data/scene.js";
import {classIndices} from "../../../src/lib/data/sources.js";
import {meanSliceCosine, topK} from "../../../src/lib/embed/nearest.js";
import {slicesOf} from "../../../src/lib/embed/slices.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {decodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import {modelFromCheckpoint} from "../../../src/lib/train/models.js";
import {teacherEmbedFn} from "../../../src/lib/train/teacherEmbedding.js";
import {useBackend} from "../backends.js";

beforeAll(() => useBackend("wasm"));

/**
 * What the embeddings page's teacher search shows, on scenes no teacher trained on: ten red
 * digits of each class on the left (test glyphs, sizes and backgrounds drawn), searched with
 * "a red <digit> on the left" through both committed teachers (mean of their cosines, as the page
 * scores). Colour and position are the same for every scene, so only shape can rank the right
 * digit first: a teacher that knows colour and position but not shape ranks at chance (0.1).
 */
describe("the committed teachers know shapes", () => {
  it("searching for a red digit on the left brings back that digit", async () => {
    const sources = await loadSourcesFromDisk();
    const rng = new Rng(7);
    const scenes: Scene[] = [];
    for (let digit = 0; digit < 10; digit++) {
      for (let k = 0; k < 10; k++) {
        const base = sampleScene(1000 * digit + k, sources, "test", {itemCount: 1});
        const item = {...base.items[0], classId: digit, index: rng.pick(classIndices(sources, "test", digit)), colour: "red", position: "left" as const};
        scenes.push({...base, items: [item]});
      }
    }
    const teachers = ["a", "b"].map((k) => modelFromCheckpoint(decodeCheckpoint(readFileSync(`data/teachers/teacher-${k}.ckpt`), `teacher-${k}`)));
    const embed = teacherEmbedFn(teachers.map((t) => t.model), teachers[0].tokenizer);
    const queries = Array.from({length: 10}, (_, d) => `a red ${d} on the left`);
    const {imageEmb, textEmb} = await embed(stackImages(scenes.map((s) => renderScene(s, sources))), queries);
    const slices = slicesOf(teachers.map((t) => t.model.image.embedDim));
    const d = slices.reduce((sum, s) => sum + s.width, 0);
    const precision = queries.map((_, digit) => {
      const scores = meanSliceCosine(textEmb.subarray(digit * d, (digit + 1) * d), imageEmb, scenes.length, slices);
      return topK(scores, 10).filter((hit) => scenes[hit.index].items[0].classId === digit).length / 10;
    });
    const seven = topK(meanSliceCosine(textEmb.subarray(7 * d, 8 * d), imageEmb, scenes.length, slices), 5);
    expect(seven.map((hit) => scenes[hit.index].items[0].classId)).toEqual([7, 7, 7, 7, 7]);
    expect(precision.reduce((a, b) => a + b, 0) / 10).toBeGreaterThanOrEqual(0.7);
    for (const t of teachers) t.model.dispose();
  });
});
