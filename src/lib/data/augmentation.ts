import type {Rng} from "../random/rng.js";
import {blankImage, clamp01, type RgbImage} from "./image.js";

/**
 * One stored image augmentation, as DataCompDR's paug stores it: parameters, not pixels, so the
 * loader re-applies exactly the view whose teacher embedding it returns.
 */
export interface Augmentation {
  /** Crop box [y, x, h, w] as fractions of the image side (DataCompDR's [i, j, h, w]); resized back to full size. */
  readonly crop: readonly [number, number, number, number];
  /** Mirror left–right after cropping. */
  readonly flip: boolean;
  /** Colour jitter factors, applied in this order; 1 leaves the image unchanged. */
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
}

export const IDENTITY_AUGMENTATION: Augmentation = {crop: [0, 0, 1, 1], flip: false, brightness: 1, contrast: 1, saturation: 1};

export interface AugmentationPolicy {
  /** Random-resized-crop area fraction range and aspect-ratio range (as torchvision's). */
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly flipProbability: number;
  /** Each jitter factor is drawn uniformly from [1 − d, 1 + d]. */
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
}

/**
 * Mild by design. Captions name positions, so a mirrored scene would contradict its own caption:
 * flips are off by default. Hue is never jittered, since captions name colours. Crops keep at
 * least 70% of the area so items are rarely cut away.
 */
export const DEFAULT_AUGMENTATION_POLICY: AugmentationPolicy = {
  scale: [0.7, 1],
  ratio: [3 / 4, 4 / 3],
  flipProbability: 0,
  brightness: 0.2,
  contrast: 0.2,
  saturation: 0.2
};

export function sampleAugmentation(rng: Rng, policy: AugmentationPolicy = DEFAULT_AUGMENTATION_POLICY): Augmentation {
  let crop: [number, number, number, number] = [0, 0, 1, 1];
  // torchvision's RandomResizedCrop: ten tries at a box that fits, else the whole image.
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = rng.uniform(policy.scale[0], policy.scale[1]);
    const aspect = Math.exp(rng.uniform(Math.log(policy.ratio[0]), Math.log(policy.ratio[1])));
    const w = Math.sqrt(area * aspect);
    const h = Math.sqrt(area / aspect);
    if (w <= 1 && h <= 1) {
      crop = [rng.uniform(0, 1 - h), rng.uniform(0, 1 - w), h, w];
      break;
    }
  }
  const jitter = (d: number) => rng.uniform(1 - d, 1 + d);
  return {
    crop,
    flip: rng.next() < policy.flipProbability,
    brightness: jitter(policy.brightness),
    contrast: jitter(policy.contrast),
    saturation: jitter(policy.saturation)
  };
}

/** What is wrong with `a` (the parameter and why), or null if it is a usable augmentation. */
export function augmentationProblem(a: Augmentation): {param: keyof Augmentation; message: string} | null {
  const [y, x, h, w] = a.crop;
  const eps = 1e-6;
  if (![y, x, h, w].every(Number.isFinite) || h <= 0 || w <= 0 || y < -eps || x < -eps || y + h > 1 + eps || x + w > 1 + eps) {
    return {param: "crop", message: `crop [${a.crop}] must be a box [y, x, h, w] inside the unit square`};
  }
  for (const param of ["brightness", "contrast", "saturation"] as const) {
    if (!(Number.isFinite(a[param]) && a[param] >= 0)) return {param, message: `${param} must be a finite factor ≥ 0, got ${a[param]}`};
  }
  return null;
}

const grey = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * The augmented view of `image`, same size: crop (bilinear resize back), optional mirror, then
 * brightness, contrast (around the image's mean grey) and saturation (around each pixel's grey),
 * clamping to [0, 1] after each step as torchvision's ColorJitter does. Pure: `image` is unchanged.
 */
export function applyAugmentation(image: RgbImage, params: Augmentation): RgbImage {
  const problem = augmentationProblem(params);
  if (problem) throw new Error(`applyAugmentation: params.${problem.message}`);
  const {width, height, data: src} = image;
  const out = blankImage(width, height);
  const d = out.data;
  const [cy, cx, ch, cw] = params.crop;
  for (let v = 0; v < height; v++) {
    const sy = (cy + ((v + 0.5) / height) * ch) * height - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    const rowA = 3 * width * clampIndex(y0, height);
    const rowB = 3 * width * clampIndex(y0 + 1, height);
    for (let u = 0; u < width; u++) {
      const su = params.flip ? width - 1 - u : u;
      const sx = (cx + ((su + 0.5) / width) * cw) * width - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const xa = 3 * clampIndex(x0, width);
      const xb = 3 * clampIndex(x0 + 1, width);
      const o = 3 * (v * width + u);
      for (let c = 0; c < 3; c++) {
        const top = src[rowA + xa + c] * (1 - fx) + src[rowA + xb + c] * fx;
        const bottom = src[rowB + xa + c] * (1 - fx) + src[rowB + xb + c] * fx;
        d[o + c] = clamp01((top * (1 - fy) + bottom * fy) * params.brightness);
      }
    }
  }
  if (params.contrast !== 1) {
    let mean = 0;
    for (let i = 0; i < d.length; i += 3) mean += grey(d[i], d[i + 1], d[i + 2]);
    mean /= width * height;
    for (let i = 0; i < d.length; i++) d[i] = clamp01((d[i] - mean) * params.contrast + mean);
  }
  if (params.saturation !== 1) {
    for (let i = 0; i < d.length; i += 3) {
      const g = grey(d[i], d[i + 1], d[i + 2]);
      for (let c = 0; c < 3; c++) d[i + c] = clamp01((d[i + c] - g) * params.saturation + g);
    }
  }
  return out;
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
