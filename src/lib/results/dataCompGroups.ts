/**
 * The DataComp evaluation suite's summary groups (docs/method.md, "Evaluation conventions"), by the task keys its
 * tasklist.yml gives them (mlfoundations/datacomp): each group is the mean of main_metric over
 * its tasks, as the suite's aggregate_scores.py computes it, and "Average" is the mean over every
 * task with a value.
 */
export interface ResultGroup {
  readonly id: string;
  readonly label: string;
  /** The task keys averaged, or "all" for every task present. */
  readonly keys: readonly string[] | "all";
}

export const DATACOMP_GROUPS: readonly ResultGroup[] = [
  {id: "datacomp/imagenet", label: "ImageNet", keys: ["imagenet1k"]},
  {
    id: "datacomp/imagenet-shifts",
    label: "ImageNet dist. shifts",
    keys: ["imagenet_sketch", "imagenetv2", "imagenet-a", "imagenet-o", "imagenet-r", "objectnet"]
  },
  {
    id: "datacomp/vtab",
    label: "VTAB",
    keys: [
      "vtab/caltech101",
      "vtab/cifar100",
      "vtab/clevr_count_all",
      "vtab/clevr_closest_object_distance",
      "vtab/dtd",
      "vtab/eurosat",
      "vtab/flowers",
      "vtab/kitti_closest_vehicle_distance",
      "vtab/pcam",
      "vtab/pets",
      "vtab/resisc45",
      "sun397",
      "vtab/svhn"
    ]
  },
  {id: "datacomp/retrieval", label: "Retrieval", keys: ["retrieval/flickr30k", "retrieval/mscoco_2014_5k_test_image_text_retrieval", "misc/winogavil"]},
  {id: "datacomp/average", label: "Average", keys: "all"}
];

/**
 * The 38 tasks DataComp's average is taken over (tasklist.yml, in its order). Its evaluation also
 * writes FairFace and UTKFace lines, whose main_metric is always null, so they are not counted.
 */
export const DATACOMP_SCORED_TASKS: readonly string[] = [
  "vtab/caltech101",
  "cifar10",
  "vtab/cifar100",
  "vtab/clevr_count_all",
  "vtab/clevr_closest_object_distance",
  "country211",
  "vtab/dtd",
  "vtab/eurosat",
  "fgvc_aircraft",
  "food101",
  "gtsrb",
  "imagenet1k",
  "imagenet_sketch",
  "imagenetv2",
  "imagenet-a",
  "imagenet-o",
  "imagenet-r",
  "vtab/kitti_closest_vehicle_distance",
  "mnist",
  "objectnet",
  "vtab/flowers",
  "vtab/pets",
  "voc2007",
  "vtab/pcam",
  "renderedsst2",
  "vtab/resisc45",
  "cars",
  "stl10",
  "sun397",
  "vtab/svhn",
  "retrieval/flickr30k",
  "retrieval/mscoco_2014_5k_test_image_text_retrieval",
  "misc/winogavil",
  "wilds/iwildcam",
  "wilds/camelyon17",
  "wilds/fmow",
  "fairness/dollar_street",
  "fairness/geode"
];
