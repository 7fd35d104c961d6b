import {splitWords} from "../clip/tokenizer.js";

const EXAMPLE = '"a red 7 on the left"';

/**
 * The words of a typed caption and those the tokenizer does not know (it reads them as <unk>).
 * An empty query, or one with no known word, has nothing to search with: that is an Error
 * saying so, with an example of what captions look like.
 */
export function captionQuery(text: string, vocabulary: readonly string[]): {words: string[]; unknown: string[]} {
  const words = splitWords(text);
  if (words.length === 0) throw new Error(`the caption is empty: type a few words, for example ${EXAMPLE}`);
  const known = new Set(vocabulary);
  const unknown = [...new Set(words.filter((w) => !known.has(w)))];
  if (unknown.length === words.length) {
    throw new Error(`none of the words of "${text.trim()}" is in the captions' vocabulary (digits, clothing, colours, sizes, positions, backgrounds): try for example ${EXAMPLE}`);
  }
  return {words, unknown};
}
