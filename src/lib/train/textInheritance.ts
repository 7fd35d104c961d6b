import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import type {Checkpoint} from "./checkpoint.js";

/**
 * Gives `student` a teacher's text tower and logit scale (weight inheritance, as TinyCLIP does,
 * which DM-CLIP itself does not): with them the student's embeddings live in that teacher's space,
 * so the teacher's image embeddings become a target the student's image tower can be regressed
 * onto, and the student's zero-shot classifier is the teacher's. Returns the names it set, which
 * a caller freezes. Everything is checked before any weight changes: the text towers' sizes (all
 * but the seed), the tokenizer, and each weight's shape.
 */
export function inheritTextTower(student: ClipModel, tokenizer: Tokenizer, teacher: Checkpoint): string[] {
  const size = (config: object) => JSON.stringify({...config, seed: 0});
  if (size(teacher.model.text) !== size(student.text.config)) {
    throw new Error(`inheritTextTower: the teacher's text tower ${size(teacher.model.text)} differs from the student's ${size(student.text.config)} (seeds aside)`);
  }
  if (JSON.stringify(teacher.tokenizer) !== JSON.stringify(tokenizer.toJSON())) {
    throw new Error("inheritTextTower: the teacher's tokenizer differs from the student's; its token ids would mean other words");
  }
  const variables = student.namedVariables();
  const names = [...variables.keys()].filter((name) => name.startsWith("text.") || name === "logit_scale");
  for (const name of names) {
    const w = teacher.weights.get(name);
    const shape = variables.get(name)!.shape;
    if (!w) throw new Error(`inheritTextTower: the teacher's checkpoint lacks "${name}"`);
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`inheritTextTower: the teacher's "${name}" has shape [${w.shape}], the student's [${shape}]`);
    }
  }
  for (const name of names) {
    const w = teacher.weights.get(name)!;
    tf.tidy(() => variables.get(name)!.assign(tf.tensor(w.values, w.shape, "float32")));
  }
  return names;
}
