import {Rng} from "../random/rng.js";
import type {Rgb} from "./colours.js";
import {blankImage, clamp01, type RgbImage} from "./image.js";
import {sceneLayout, type Glyph, type Layout} from "./layout.js";
import type {Background, Scene} from "./scene.js";
import {GLYPH_SIZE} from "./sourceSet.js";
import {glyphPixels, type Sources} from "./sources.js";

/** Draws a scene at `size`×`size` (64 for training; larger for the resolution study). */
export function renderScene(scene: Scene, sources: Sources, size = 64): RgbImage {
  return renderLayout(sceneLayout(scene), sources, size);
}

/**
 * Pure typed-array rendering (no canvas, no DOM): identical bytes in Node and the browser for
 * the same layout and size. Layout coordinates are fractions, so any size draws the same scene.
 */
export function renderLayout(layout: Layout, sources: Sources, size: number): RgbImage {
  const image = blankImage(size, size);
  paintBackground(image, layout.background);
  for (const glyph of layout.glyphs) {
    const pixels = glyphPixels(sources, glyph.split, glyph.classId, glyph.index);
    paintGlyph(image, glyph, glyph.outline ? edgeMap(pixels) : coverage(pixels));
  }
  const d = image.data;
  if (layout.noise > 0) {
    const rng = new Rng(layout.noiseSeed);
    for (let i = 0; i < d.length; i++) d[i] = clamp01(d[i] + layout.noise * rng.normal());
  }
  if (layout.invert) for (let i = 0; i < d.length; i++) d[i] = 1 - d[i];
  return image;
}

function paintBackground(image: RgbImage, bg: Background): void {
  const {width: size, data} = image;
  if (bg.kind === "plain") {
    fill(data, bg.colour);
    return;
  }
  if (bg.kind === "gradient") {
    const cos = Math.cos(bg.angle) * Math.SQRT2;
    const sin = Math.sin(bg.angle) * Math.SQRT2;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const t = clamp01(0.5 + ((x + 0.5) / size - 0.5) * cos + ((y + 0.5) / size - 0.5) * sin);
        for (let c = 0; c < 3; c++) data[3 * (y * size + x) + c] = bg.from[c] * (1 - t) + bg.to[c] * t;
      }
    }
    return;
  }
  // Two octaves of smooth value noise on fixed grids, so the texture is the same at every size.
  fill(data, bg.colour);
  addValueNoise(data, size, bg.seed, 4, bg.amplitude);
  addValueNoise(data, size, bg.seed + 1, 16, 0.6 * bg.amplitude);
  for (let i = 0; i < data.length; i++) data[i] = clamp01(data[i]);
}

function fill(data: Float32Array, [r, g, b]: Rgb): void {
  for (let i = 0; i < data.length; i += 3) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
}

/** Adds amplitude × bilinear interpolation of random values in [−1, 1] on a (grid+1)² lattice per channel. */
function addValueNoise(data: Float32Array, size: number, seed: number, grid: number, amplitude: number): void {
  const rng = new Rng(seed);
  const n = grid + 1;
  const lattice = Float32Array.from({length: n * n * 3}, () => rng.uniform(-1, 1));
  const cell = new Int32Array(size);
  const frac = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const g = ((i + 0.5) / size) * grid;
    cell[i] = Math.min(Math.floor(g), grid - 1);
    frac[i] = g - cell[i];
  }
  for (let y = 0; y < size; y++) {
    const fy = frac[y];
    const row0 = cell[y] * n;
    const row1 = row0 + n;
    for (let x = 0; x < size; x++) {
      const fx = frac[x];
      const a = 3 * (row0 + cell[x]);
      const b = 3 * (row1 + cell[x]);
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) {
        const top = lattice[a + c] * (1 - fx) + lattice[a + 3 + c] * fx;
        const bottom = lattice[b + c] * (1 - fx) + lattice[b + 3 + c] * fx;
        data[o + c] += amplitude * (top * (1 - fy) + bottom * fy);
      }
    }
  }
}

/** Composites `alpha` (28×28 in [0, 1]) tinted `glyph.rgb` over the image: out = bg·(1−a) + rgb·a. */
function paintGlyph(image: RgbImage, glyph: Glyph, alpha: Float32Array): void {
  const {width: size, data} = image;
  const map = padded(alpha);
  const cos = Math.cos(glyph.rotation);
  const sin = Math.sin(glyph.rotation);
  const side = glyph.extent * size;
  // Supersample when the glyph is drawn smaller than its 28 source pixels, so strokes do not alias away.
  const ss = Math.min(3, Math.max(1, Math.ceil(GLYPH_SIZE / side)));
  const reach = (side * (Math.abs(cos) + Math.abs(sin))) / 2 + 1;
  const x0 = Math.max(0, Math.floor(glyph.cx * size - reach));
  const x1 = Math.min(size - 1, Math.ceil(glyph.cx * size + reach));
  const y0 = Math.max(0, Math.floor(glyph.cy * size - reach));
  const y1 = Math.min(size - 1, Math.ceil(glyph.cy * size + reach));
  // Image offset → glyph pixel coordinates: inverse rotation, then scale to the 28-pixel glyph.
  const scale = GLYPH_SIZE / (glyph.extent * size);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        const dy = y + (sy + 0.5) / ss - glyph.cy * size;
        for (let sx = 0; sx < ss; sx++) {
          const dx = x + (sx + 0.5) / ss - glyph.cx * size;
          a += sampleGlyph(map, (cos * dx + sin * dy) * scale + GLYPH_SIZE / 2 - 0.5, (-sin * dx + cos * dy) * scale + GLYPH_SIZE / 2 - 0.5);
        }
      }
      a /= ss * ss;
      if (a <= 0) continue;
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) data[o + c] = data[o + c] * (1 - a) + glyph.rgb[c] * a;
    }
  }
}

const PADDED = GLYPH_SIZE + 2;

/** The 28×28 map inside a one-pixel zero border, so bilinear sampling needs no bounds checks. */
function padded(map: Float32Array): Float32Array {
  const out = new Float32Array(PADDED * PADDED);
  for (let y = 0; y < GLYPH_SIZE; y++) out.set(map.subarray(y * GLYPH_SIZE, (y + 1) * GLYPH_SIZE), (y + 1) * PADDED + 1);
  return out;
}

/** Bilinear sample of a padded glyph map at glyph-pixel coordinates, zero outside. */
function sampleGlyph(map: Float32Array, u: number, v: number): number {
  if (u <= -1 || v <= -1 || u >= GLYPH_SIZE || v >= GLYPH_SIZE) return 0;
  const u0 = Math.floor(u);
  const v0 = Math.floor(v);
  const fu = u - u0;
  const fv = v - v0;
  const i = (v0 + 1) * PADDED + u0 + 1;
  return (map[i] * (1 - fu) + map[i + 1] * fu) * (1 - fv) + (map[i + PADDED] * (1 - fu) + map[i + PADDED + 1] * fu) * fv;
}

/**
 * A glyph's opacity in [0, 1]. Fashion-MNIST draws dark garments faintly (a black T-shirt's
 * median pixel is ~40/255), which tinted as they are would read as a darker shade than their
 * colour name; so pixels are scaled by the glyph's 90th-percentile ink and clipped at 1.
 */
function coverage(pixels: Uint8Array): Float32Array {
  const ink = pixels.filter((v) => v > 0).sort();
  const level = Math.max(32, ink[Math.floor(0.9 * ink.length)] ?? 255);
  return Float32Array.from(pixels, (v) => Math.min(1, v / level));
}

/** Sobel gradient magnitude of a glyph, scaled to a maximum of 1: its outline, as in a sketch. */
function edgeMap(pixels: Uint8Array): Float32Array {
  const n = GLYPH_SIZE;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= n || y >= n ? 0 : pixels[y * n + x] / 255);
  const out = new Float32Array(n * n);
  let max = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      out[y * n + x] = Math.hypot(gx, gy);
      max = Math.max(max, out[y * n + x]);
    }
  }
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] /= max;
  return out;
}

