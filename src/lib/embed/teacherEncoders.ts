import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import type {TeacherInfo} from "../data/reinforcedFormat.js";
import {decodeCheckpoint} from "../train/checkpoint.js";
import {modelFromCheckpoint} from "../train/models.js";

/** One of the reinforced set's teachers, rebuilt from its checkpoint. */
export interface TeacherEncoder {
  readonly info: TeacherInfo;
  readonly model: ClipModel;
  readonly tokenizer: Tokenizer;
  /** The checkpoint's learned logit scale. */
  readonly logitScale: number;
}

/**
 * Loads each teacher the set names from `read(name)` (a checkpoint's bytes), in the manifest's
 * order, and checks its width against the set's slice for it.
 */
export async function loadTeacherEncoders(infos: readonly TeacherInfo[], read: (name: string) => Promise<Uint8Array>): Promise<TeacherEncoder[]> {
  const teachers: TeacherEncoder[] = [];
  for (const info of infos) {
    const {model, tokenizer} = modelFromCheckpoint(decodeCheckpoint(await read(info.name), info.name));
    if (model.image.embedDim !== info.dim) {
      model.dispose();
      throw new Error(`teacher ${info.name}: its checkpoint embeds in ${model.image.embedDim} dimensions, the reinforced set's slice for it has ${info.dim}`);
    }
    const scale = model.logitScale();
    teachers.push({info, model, tokenizer, logitScale: (await scale.data())[0]});
    scale.dispose();
  }
  return teachers;
}

/**
 * Teachers whose checkpoint is not the one that wrote the reinforced set: the set records each
 * teacher's learned logit scale, and a checkpoint trained further has another. (Equal scales do
 * not prove equal weights, but a scale that moved proves the weights did.)
 */
export function staleTeachers(teachers: readonly TeacherEncoder[]): {name: string; logitScale: number; setLogitScale: number}[] {
  return teachers.flatMap((t) =>
    t.info.logitScale !== undefined && Math.fround(t.info.logitScale) !== Math.fround(t.logitScale)
      ? [{name: t.info.name, logitScale: t.logitScale, setLogitScale: t.info.logitScale}]
      : []
  );
}

/** Each teacher's normalised text embedding of `text`, side by side: a row laid out like the set's rows. */
export async function teacherTextRow(teachers: readonly TeacherEncoder[], text: string): Promise<Float32Array> {
  const row = tf.tidy(() => tf.concat(teachers.map((t) => t.model.encodeText(t.tokenizer.encodeBatch([text]))), 1));
  const values = Float32Array.from(await row.data());
  row.dispose();
  return values;
}
