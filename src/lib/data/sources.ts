import {objectClass} from "./classes.js";
import {decodeSourceSet, GLYPH_SIZE, type SourceSet, type SplitName} from "./sourceSet.js";

export type SourceName = "digits" | "fashion";
export const SOURCE_NAMES: readonly SourceName[] = ["digits", "fashion"];

/** The two committed source sets every scene draws its glyphs from. */
export type Sources = Readonly<Record<SourceName, SourceSet>>;

/** The committed file of each source set, relative to data/sources/. */
export function sourceFile(name: SourceName): string {
  return `${name}.bin`;
}

/**
 * Loads both source sets through `read` (a fetch in the browser, a file read in Node), so the
 * scene code never knows where bytes come from.
 */
export async function loadSources(read: (file: string) => Promise<Uint8Array | ArrayBuffer>): Promise<Sources> {
  const [digits, fashion] = await Promise.all(
    SOURCE_NAMES.map(async (name) => decodeSourceSet(await read(sourceFile(name)), sourceFile(name)))
  );
  return {digits, fashion};
}

/** The glyphs of `classId` available in `split`, as indices into that source split. */
export function classIndices(sources: Sources, split: SplitName, classId: number): readonly number[] {
  const c = objectClass(classId);
  return sources[c.source].splits[split].byClass[c.label];
}

/** The 28×28 greyscale pixels of one item's glyph (a view, not a copy). */
export function glyphPixels(sources: Sources, split: SplitName, classId: number, index: number): Uint8Array {
  const c = objectClass(classId);
  const s = sources[c.source].splits[split];
  if (!(index >= 0 && index < s.count) || s.labels[index] !== c.label) {
    throw new Error(`glyph index ${index} is not a ${c.source} "${c.nouns[0]}" in the ${split} split`);
  }
  const n = GLYPH_SIZE * GLYPH_SIZE;
  return s.pixels.subarray(index * n, (index + 1) * n);
}
