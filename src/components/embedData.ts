import {FileAttachment} from "observablehq:stdlib";

// The teacher checkpoints the embeddings notebook's caption search loads in the worker, by the
// teacher's name in the reinforced manifest. Literal paths, so Framework copies each file into
// the site (scripts/siteAssets.ts puts them under src/assets/data/teachers).
export const TEACHER_CHECKPOINTS: Record<string, string> = {
  "teacher-a": FileAttachment("../assets/data/teachers/teacher-a.ckpt").href,
  "teacher-b": FileAttachment("../assets/data/teachers/teacher-b.ckpt").href
};
