/**
 * The DataComp evaluation suite's summary groups (method.md §3), by the task keys its
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
