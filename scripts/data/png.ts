import {deflateSync} from "node:zlib";
import {crc32} from "../../src/lib/data/crc32.js";
import type {RgbImage} from "../../src/lib/data/image.js";

/** An 8-bit RGB PNG of `image` (values in [0, 1]), written with node:zlib only. */
export function encodePng(image: RgbImage): Uint8Array {
  const {width, height, data} = image;
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + 3 * width);
    raw[row] = 0; // filter type "none"
    for (let i = 0; i < 3 * width; i++) raw[row + 1 + i] = Math.round(Math.min(1, Math.max(0, data[3 * y * width + i])) * 255);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filters, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, {level: 9})),
    chunk("IEND", new Uint8Array(0))
  ]);
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const typed = Buffer.concat([Buffer.from(type, "ascii"), body]);
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + body.length);
  return out;
}
