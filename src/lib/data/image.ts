/** An RGB image, row-major HWC float32 in [0, 1] (what the image encoders take). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** `count` images of one size laid end to end: a [count, height, width, 3] NHWC tensor's data. */
export interface ImageBatch {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export function blankImage(width: number, height: number): RgbImage {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`image size must be positive integers, got ${width}×${height}`);
  }
  return {width, height, data: new Float32Array(width * height * 3)};
}

/** Stacks same-sized images into one batch. */
export function stackImages(images: readonly RgbImage[]): ImageBatch {
  if (images.length === 0) throw new Error("stackImages: images must not be empty");
  const {width, height} = images[0];
  const n = width * height * 3;
  const data = new Float32Array(images.length * n);
  images.forEach((im, i) => {
    if (im.width !== width || im.height !== height) {
      throw new Error(`stackImages: images[${i}] is ${im.width}×${im.height}, expected ${width}×${height}`);
    }
    data.set(im.data, i * n);
  });
  return {count: images.length, width, height, data};
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
