import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {Tokenizer} from "../../../src/lib/clip/tokenizer.js";
import type {Checkpoint} from "../../../src/lib/train/checkpoint.js";
import {inheritTextTower} from "../../../src/lib/train/textInheritance.js";
import {useBackend} from "../backends.js";
import {tinyModel, tokenizer} from "./fixtures.js";

beforeAll(() => useBackend("wasm"));

async function teacherCheckpoint(seed: number): Promise<Checkpoint> {
  const teacher = tinyModel(seed);
  // A scale the student's initial one is not, so copying it shows.
  teacher.logScale.assign(tf.scalar(Math.log(31)));
  const checkpoint = {model: teacher.config, tokenizer: tokenizer.toJSON(), weights: await teacher.exportWeights(), step: 0, meta: {}};
  teacher.dispose();
  return checkpoint;
}

const embed = async (m: ReturnType<typeof tinyModel>) => {
  const tokens = tokenizer.encodeBatch(["a small red 7 on the left", "a big blue shirt"]);
  const out = m.encodeText(tokens);
  const values = Array.from(await out.data());
  tf.dispose([tokens, out]);
  return values;
};

describe("inheritTextTower", () => {
  it("makes the student's text embeddings and logit scale the teacher's, leaves its image tower alone and names what it set", async () => {
    const checkpoint = await teacherCheckpoint(5);
    const teacher = tinyModel(5);
    teacher.importWeights(checkpoint.weights);
    const student = tinyModel(9);
    const imageBefore = await student.image.params.list()[0].data();
    expect(await embed(student)).not.toEqual(await embed(teacher));

    const names = inheritTextTower(student, tokenizer, checkpoint);
    expect(names).toContain("logit_scale");
    expect(names.every((n) => n === "logit_scale" || n.startsWith("text."))).toBe(true);
    expect(names).toHaveLength(student.text.params.list().length + 1);
    expect(await embed(student)).toEqual(await embed(teacher));
    expect((await student.logitScale().data())[0]).toBeCloseTo(31, 3);
    expect(await student.image.params.list()[0].data()).toEqual(imageBefore);
    student.dispose();
    teacher.dispose();
  });

  it("refuses another text size or tokenizer before changing any weight", async () => {
    const checkpoint = await teacherCheckpoint(5);
    const student = tinyModel(9);
    const before = await embed(student);
    const wider = {...checkpoint, model: {...checkpoint.model, text: {...checkpoint.model.text, width: 32}}};
    expect(() => inheritTextTower(student, tokenizer, wider)).toThrow(/inheritTextTower: the teacher's text tower .*"width":32.* differs from the student's/);
    const other = new Tokenizer(["red", "seven"], 24);
    expect(() => inheritTextTower(student, other, checkpoint)).toThrow("inheritTextTower: the teacher's tokenizer differs from the student's");
    const missing = {...checkpoint, weights: new Map([...checkpoint.weights].filter(([n]) => n !== "logit_scale"))};
    expect(() => inheritTextTower(student, tokenizer, missing)).toThrow(`inheritTextTower: the teacher's checkpoint lacks "logit_scale"`);
    expect(await embed(student)).toEqual(before);
    student.dispose();
  });
});
