/** A part of an embedding row: one teacher's columns of the teachers' concatenated rows. */
export interface Slice {
  readonly offset: number;
  readonly width: number;
}

/** Consecutive slices of the given widths (the manifest's teachers[].dim, in order). */
export function slicesOf(widths: readonly number[]): Slice[] {
  let offset = 0;
  return widths.map((width) => {
    if (!(Number.isInteger(width) && width >= 1)) throw new Error(`slicesOf: every width must be an integer ≥ 1, got ${width}`);
    const slice = {offset, width};
    offset += width;
    return slice;
  });
}

/**
 * The columns of `slice` of each row of each block (row-major, `width` wide), blocks stacked in
 * order: one teacher's image rows then its text rows, ready for a joint projection.
 */
export function sliceRows(blocks: readonly ArrayLike<number>[], width: number, slice: Slice): Float32Array {
  if (!(Number.isInteger(slice.offset) && slice.offset >= 0 && Number.isInteger(slice.width) && slice.width >= 1 && slice.offset + slice.width <= width)) {
    throw new Error(`sliceRows: slice {offset: ${slice.offset}, width: ${slice.width}} does not fit in rows of width ${width}`);
  }
  const counts = blocks.map((b, i) => {
    if (b.length % width !== 0) throw new Error(`sliceRows: blocks[${i}] has ${b.length} values, not a whole number of rows of width ${width}`);
    return b.length / width;
  });
  const out = new Float32Array(counts.reduce((a, b) => a + b, 0) * slice.width);
  let row = 0;
  blocks.forEach((block, i) => {
    for (let r = 0; r < counts[i]; r++, row++) {
      for (let j = 0; j < slice.width; j++) out[row * slice.width + j] = block[r * width + slice.offset + j];
    }
  });
  return out;
}
