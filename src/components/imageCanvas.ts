import type {ImageBatch} from "../lib/data/image.js";

/** Image `index` of an NHWC float batch in [0, 1] as a canvas, scaled up without smoothing. */
export function imageCanvas(batch: ImageBatch, index: number, scale = 2): HTMLCanvasElement {
  const {width, height, data} = batch;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * scale}px`;
  canvas.style.imageRendering = "pixelated";
  const pixels = new ImageData(width, height);
  const offset = index * width * height * 3;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) pixels.data[p * 4 + c] = Math.round(255 * data[offset + p * 3 + c]);
    pixels.data[p * 4 + 3] = 255;
  }
  canvas.getContext("2d")!.putImageData(pixels, 0, 0);
  return canvas;
}
