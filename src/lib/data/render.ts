import {Rng} from "../random/rng.js";
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
  // Two octaves of smooth value noise on fixed grids, so the texture is the same at every size.
  const octaves = bg.kind === "noise" ? [valueNoise(bg.seed, 4), valueNoise(bg.seed + 1, 16)] : [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5) / size;
      const py = (y + 0.5) / size;
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) {
        let v: number;
        if (bg.kind === "plain") v = bg.colour[c];
        else if (bg.kind === "gradient") {
          const t = clamp01(0.5 + ((px - 0.5) * Math.cos(bg.angle) + (py - 0.5) * Math.sin(bg.angle)) * Math.SQRT2);
          v = bg.from[c] * (1 - t) + bg.to[c] * t;
        } else v = bg.colour[c] + bg.amplitude * (octaves[0](px, py, c) + 0.6 * octaves[1](px, py, c));
        data[o + c] = clamp01(v);
      }
    }
  }
}

/** Bilinear interpolation of random values in [−1, 1] on a (grid+1)² lattice per channel. */
function valueNoise(seed: number, grid: number): (px: number, py: number, c: number) => number {
  const rng = new Rng(seed);
  const n = grid + 1;
  const lattice = Float32Array.from({length: n * n * 3}, () => rng.uniform(-1, 1));
  return (px, py, c) => {
    const gx = px * grid;
    const gy = py * grid;
    const x0 = Math.min(Math.floor(gx), grid - 1);
    const y0 = Math.min(Math.floor(gy), grid - 1);
    const fx = gx - x0;
    const fy = gy - y0;
    const at = (x: number, y: number) => lattice[3 * (y * n + x) + c];
    return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
  };
}

/** Composites `alpha` (28×28 in [0, 1]) tinted `glyph.rgb` over the image: out = bg·(1−a) + rgb·a. */
function paintGlyph(image: RgbImage, glyph: Glyph, alpha: Float32Array): void {
  const {width: size, data} = image;
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
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const dx = (x + (sx + 0.5) / ss) / size - glyph.cx;
          const dy = (y + (sy + 0.5) / ss) / size - glyph.cy;
          // Inverse rotation: from image offset to the glyph's own axes.
          const gx = (cos * dx + sin * dy) / glyph.extent + 0.5;
          const gy = (-sin * dx + cos * dy) / glyph.extent + 0.5;
          a += sampleGlyph(alpha, gx * GLYPH_SIZE - 0.5, gy * GLYPH_SIZE - 0.5);
        }
      }
      a /= ss * ss;
      if (a <= 0) continue;
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) data[o + c] = data[o + c] * (1 - a) + glyph.rgb[c] * a;
    }
  }
}

/** Bilinear sample of a 28×28 map at glyph-pixel coordinates, zero outside. */
function sampleGlyph(map: Float32Array, u: number, v: number): number {
  const u0 = Math.floor(u);
  const v0 = Math.floor(v);
  const fu = u - u0;
  const fv = v - v0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= GLYPH_SIZE || y >= GLYPH_SIZE ? 0 : map[y * GLYPH_SIZE + x]);
  return (at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu) * (1 - fv) + (at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu) * fv;
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

