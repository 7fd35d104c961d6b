import {FileAttachment} from "observablehq:stdlib";

// tfjs's wasm binaries, served by the site itself (never a CDN). Literal paths, so Framework
// copies them into the build.
export const WASM_FILES: Record<string, string> = {
  "tfjs-backend-wasm.wasm": FileAttachment("../assets/wasm/tfjs-backend-wasm.wasm").href,
  "tfjs-backend-wasm-simd.wasm": FileAttachment("../assets/wasm/tfjs-backend-wasm-simd.wasm").href,
  "tfjs-backend-wasm-threaded-simd.wasm": FileAttachment("../assets/wasm/tfjs-backend-wasm-threaded-simd.wasm").href
};
