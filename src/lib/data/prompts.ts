import {className} from "./classes.js";
import {PREFIXES, SIZE_WORDS, withArticle} from "./lexicon.js";

/**
 * Zero-shot prompt templates (CLIP's "a photo of a {c}." idea), worded like our captions so a
 * model trained on them understands every word. Each maps a class's canonical name to a prompt.
 */
export const PROMPT_TEMPLATES: readonly ((name: string) => string)[] = [
  (name) => withArticle(name),
  ...PREFIXES.slice(0, 3).map((prefix) => (name: string) => `${prefix} ${withArticle(name)}`),
  (name) => withArticle(`${SIZE_WORDS.small[0]} ${name}`),
  (name) => withArticle(`${SIZE_WORDS.large[0]} ${name}`)
];

/** The prompts of one class through every template. */
export function classPrompts(classId: number): string[] {
  return PROMPT_TEMPLATES.map((template) => template(className(classId)));
}
