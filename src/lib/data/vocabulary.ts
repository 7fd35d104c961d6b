import {CLASSES} from "./classes.js";
import {ITEM_COLOURS} from "./colours.js";
import {BACKGROUND_WORDS, GLUE, POSITION_PHRASES, PREFIXES, RELATION_PHRASES, SIZE_WORDS} from "./lexicon.js";
import {PROMPT_TEMPLATES} from "./prompts.js";

/**
 * Every word any caption or prompt can contain, sorted: what the tokenizer is built from.
 * `splitWords` is the tokenizer's own splitting rule (src/lib/clip/tokenizer.ts), passed in so
 * the data code does not depend on the model code and "words" mean the same on both sides.
 */
export function captionVocabulary(splitWords: (text: string) => string[]): string[] {
  const placeholder = "placeholder";
  const phrases = [
    ...CLASSES.flatMap((c) => [...c.nouns, ...c.kinds]),
    ...ITEM_COLOURS.flatMap((c) => c.words),
    ...Object.values(SIZE_WORDS).flat(),
    ...Object.values(POSITION_PHRASES).flat(),
    ...Object.values(RELATION_PHRASES),
    ...Object.values(BACKGROUND_WORDS).flat().map(GLUE.background),
    ...PREFIXES,
    GLUE.and,
    GLUE.is,
    // Articles come from withArticle, which every caption and prompt goes through.
    "a",
    "an",
    ...PROMPT_TEMPLATES.map((t) => t(placeholder))
  ];
  const words = new Set(phrases.flatMap(splitWords));
  words.delete(placeholder);
  return [...words].sort();
}
