/** The groups our aggregate scores average over, like DataComp's "ImageNet dist. shifts", "Retrieval". */
export type SuiteGroup = "classification" | "shift" | "retrieval" | "specialised";

export interface SuiteInfo {
  /** DataComp-style task key, e.g. "retrieval/scenes". */
  readonly key: string;
  /** Dataset name written in eval_results.jsonl. */
  readonly dataset: string;
  readonly group: SuiteGroup;
  /** What it stands in for in the DM-CLIP poster and DataComp's suite, or, where nothing, what it tests. */
  readonly standsFor: string;
}

/**
 * Every evaluation, in report order. "specialised" sets count only in the overall average, as
 * SVHN and EuroSAT do in DataComp's. The 128 and 256 px sets stand in for nothing in the poster:
 * they show students trained at 64 px larger images than they ever saw, through position
 * embeddings interpolated to a 16×16 or 32×32 grid. EuroSAT's images are 64×64, so they are no
 * EuroSAT; their keys stay as committed results name them.
 */
export const SUITES: readonly SuiteInfo[] = [
  {key: "classification/digits", dataset: "Digits", group: "classification", standsFor: "MNIST"},
  {key: "classification/clothing", dataset: "Clothing", group: "classification", standsFor: "Fashion-MNIST"},
  {key: "classification/objects", dataset: "Objects-20", group: "classification", standsFor: "ImageNet val (IN-val)"},
  {key: "shift/sketch", dataset: "Objects-20 Sketch", group: "shift", standsFor: "ImageNet dist. shifts (IN-shift)"},
  {key: "shift/inverted", dataset: "Objects-20 Inverted", group: "shift", standsFor: "ImageNet dist. shifts (IN-shift)"},
  {key: "shift/noisy", dataset: "Objects-20 Noisy", group: "shift", standsFor: "ImageNet dist. shifts (IN-shift)"},
  {key: "shift/rotated", dataset: "Objects-20 Rotated", group: "shift", standsFor: "ImageNet dist. shifts (IN-shift)"},
  {key: "shift/unseen_colours", dataset: "Objects-20 Unseen colours", group: "shift", standsFor: "ImageNet dist. shifts (IN-shift)"},
  {key: "retrieval/scenes", dataset: "Scenes", group: "retrieval", standsFor: "Flickr30k / MSCOCO retrieval"},
  {key: "specialised/digit_strip", dataset: "Digit strip", group: "specialised", standsFor: "SVHN"},
  {key: "specialised/objects_128", dataset: "Objects-20 @128 (extrapolated)", group: "specialised", standsFor: "none: resolution extrapolation, position embeddings interpolated (EuroSAT is 64×64)"},
  {key: "specialised/objects_256", dataset: "Objects-20 @256 (extrapolated)", group: "specialised", standsFor: "none: resolution extrapolation, position embeddings interpolated (EuroSAT is 64×64)"}
];
