/** Row-major a·bᵀ for a [rows, dim] and b [cols, dim]: cosine similarities when rows are unit vectors. */
export function similarity(a: Float32Array, b: Float32Array, dim: number): Float32Array {
  const rows = a.length / dim;
  const cols = b.length / dim;
  if (!Number.isInteger(rows) || !Number.isInteger(cols)) throw new Error(`similarity: lengths ${a.length} and ${b.length} are not multiples of dim ${dim}`);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[i * dim + k] * b[j * dim + k];
      out[i * cols + j] = s;
    }
  }
  return out;
}

/**
 * Rank (0 = best) of candidate `positive` among `count` scores read at `at(j)`. Ties go to the
 * lower index, as a stable sort would order them, so equal scores are never all counted right.
 */
function rankOf(count: number, at: (j: number) => number, positive: number): number {
  const p = at(positive);
  let rank = 0;
  for (let j = 0; j < count; j++) {
    const s = at(j);
    if (s > p || (s === p && j < positive)) rank++;
  }
  return rank;
}

export interface ClassificationMetrics {
  acc1: number;
  acc5: number;
  mean_per_class_recall: number;
}

/**
 * Zero-shot classification metrics from scores [n, classes] and true labels, as DataComp's
 * evaluation reports them: top-1 and top-5 accuracy, and the mean over the classes present of
 * each class's recall (top-1).
 */
export function classificationMetrics(scores: Float32Array, labels: Int32Array, classes: number): ClassificationMetrics {
  const n = labels.length;
  if (scores.length !== n * classes) throw new Error(`classificationMetrics: scores has ${scores.length} values, expected ${n}×${classes}`);
  if (n === 0) throw new Error("classificationMetrics: labels must not be empty");
  let top1 = 0;
  let top5 = 0;
  const hits = new Float64Array(classes);
  const totals = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!(label >= 0 && label < classes)) throw new Error(`classificationMetrics: labels[${i}] = ${label}, expected 0..${classes - 1}`);
    const rank = rankOf(classes, (j) => scores[i * classes + j], label);
    totals[label]++;
    if (rank === 0) {
      top1++;
      hits[label]++;
    }
    if (rank < 5) top5++;
  }
  let recall = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    if (totals[c] > 0) {
      recall += hits[c] / totals[c];
      present++;
    }
  }
  return {acc1: top1 / n, acc5: top5 / n, mean_per_class_recall: recall / present};
}

export interface RetrievalMetrics {
  "image_retrieval_recall@1": number;
  "image_retrieval_recall@5": number;
  "image_retrieval_recall@10": number;
  "text_retrieval_recall@1": number;
  "text_retrieval_recall@5": number;
  "text_retrieval_recall@10": number;
  "mean_recall@1": number;
}

/**
 * Retrieval metrics for n image–text pairs (text i describes image i), as clip_benchmark and
 * DataComp name them: image retrieval = each text ranks the images (text→image); text
 * retrieval = each image ranks the texts (image→text); recall@k = fraction whose match is in
 * the top k; mean_recall@1 = their mean at k = 1.
 */
export function retrievalMetrics(imageEmb: Float32Array, textEmb: Float32Array, dim: number): RetrievalMetrics {
  const n = imageEmb.length / dim;
  if (textEmb.length !== imageEmb.length) throw new Error(`retrievalMetrics: ${textEmb.length / dim} texts for ${n} images, expected one each`);
  const s = similarity(textEmb, imageEmb, dim);
  const imageRanks = Array.from({length: n}, (_, t) => rankOf(n, (j) => s[t * n + j], t));
  const textRanks = Array.from({length: n}, (_, im) => rankOf(n, (j) => s[j * n + im], im));
  const recall = (ranks: number[], k: number) => ranks.filter((r) => r < k).length / n;
  const metrics: RetrievalMetrics = {
    "image_retrieval_recall@1": recall(imageRanks, 1),
    "image_retrieval_recall@5": recall(imageRanks, 5),
    "image_retrieval_recall@10": recall(imageRanks, 10),
    "text_retrieval_recall@1": recall(textRanks, 1),
    "text_retrieval_recall@5": recall(textRanks, 5),
    "text_retrieval_recall@10": recall(textRanks, 10),
    "mean_recall@1": 0
  };
  metrics["mean_recall@1"] = (metrics["image_retrieval_recall@1"] + metrics["text_retrieval_recall@1"]) / 2;
  return metrics;
}
