import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import type {ReinforcedSet} from "../data/reinforcedLoader.js";
import type {Sources} from "../data/sources.js";
import {captionQuery} from "./captionQuery.js";
import {meanSliceCosine, topK, type Hit} from "./nearest.js";
import {loadProbeSet, type ProbeSet} from "./probeSet.js";
import {slicesOf} from "./slices.js";
import {loadTeacherEncoders, staleTeachers, teacherTextRow, type TeacherEncoder} from "./teacherEncoders.js";

/** The student's normalised embeddings of the probe set at one training step. */
export interface StudentEmbeddings {
  /** Counts computations: a page polling for embeddings redraws only when it changes. */
  readonly snapshot: number;
  readonly step: number;
  readonly dim: number;
  /** [count, dim]: the probe images. */
  readonly image: Float32Array;
  /** [count, dim]: their ground-truth captions. */
  readonly text: Float32Array;
}

/** The probe images nearest a typed caption, for the student (live) and the teachers (stored image embeddings). */
export interface CaptionSearch {
  readonly query: string;
  /** Words of the query outside the vocabulary (read as <unk>). */
  readonly unknownWords: readonly string[];
  /** The student's training step. */
  readonly step: number;
  readonly student: readonly Hit[];
  /** Scores averaged over the teachers' per-teacher cosines. */
  readonly teacher: readonly Hit[];
  readonly staleTeachers: ReturnType<typeof staleTeachers>;
}

export interface StudentRef {
  readonly model: ClipModel;
  readonly tokenizer: Tokenizer;
  readonly step: number;
}

/** Images per forward pass: bounds the activations' memory on any backend. */
const CHUNK = 50;

/**
 * What the embeddings notebook asks of the training worker: the probe set, the student's
 * embeddings of it (cached per model and step) and caption search against the student and the
 * teachers (loaded once, on the first search). No DOM.
 */
export class EmbeddingProbe {
  private probe: Promise<ProbeSet> | null = null;
  private probeCount = 0;
  private cached: {model: ClipModel; step: number; embeddings: Promise<StudentEmbeddings>} | null = null;
  private snapshots = 0;
  private teachers: Promise<TeacherEncoder[]> | null = null;

  constructor(
    private readonly set: ReinforcedSet,
    private readonly sources: Sources
  ) {}

  /** The first `count` one-item scenes of the set (loaded once per count). */
  probeSet(count: number): Promise<ProbeSet> {
    if (!this.probe || this.probeCount !== count) {
      this.probeCount = count;
      this.cached = null;
      const probe = loadProbeSet(this.set, this.sources, count);
      probe.catch(() => this.probe === probe && (this.probe = null));
      this.probe = probe;
    }
    return this.probe;
  }

  /** Shared by concurrent requests (the page's poll and a search) for the same model and step. */
  studentEmbeddings(student: StudentRef): Promise<StudentEmbeddings> {
    const cached = this.cached;
    if (cached && cached.model === student.model && cached.step === student.step) return cached.embeddings;
    const embeddings = this.embedProbe(student);
    const entry = {model: student.model, step: student.step, embeddings};
    embeddings.catch(() => this.cached === entry && (this.cached = null));
    this.cached = entry;
    return embeddings;
  }

  private async embedProbe(student: StudentRef): Promise<StudentEmbeddings> {
    const probe = await this.loaded();
    const {count, height, width, data} = probe.images;
    // The step is read here, just before every forward pass is issued and before the first read,
    // so training that runs while this awaits cannot change the weights under the label.
    const {model, tokenizer, step} = student;
    const [image, text] = tf.tidy(() => {
      const chunks: tf.Tensor2D[] = [];
      for (let at = 0; at < count; at += CHUNK) {
        const n = Math.min(CHUNK, count - at);
        chunks.push(model.encodeImage(tf.tensor4d(data.subarray(at * height * width * 3, (at + n) * height * width * 3), [n, height, width, 3])));
      }
      return [tf.concat(chunks, 0), model.encodeText(tokenizer.encodeBatch(probe.captions))];
    });
    const embeddings = {snapshot: ++this.snapshots, step, dim: image.shape[1], image: Float32Array.from(await image.data()), text: Float32Array.from(await text.data())};
    tf.dispose([image, text]);
    return embeddings;
  }

  /** The `k` probe images nearest `text` for the student and for the teachers; bad queries throw. */
  async search(text: string, k: number, student: StudentRef, readTeacher: (name: string) => Promise<Uint8Array>): Promise<CaptionSearch> {
    const {unknown} = captionQuery(text, student.tokenizer.vocab);
    const probe = await this.loaded();
    const images = await this.studentEmbeddings(student);
    const query = tf.tidy(() => student.model.encodeText(student.tokenizer.encodeBatch([text])));
    const studentQuery = Float32Array.from(await query.data());
    query.dispose();
    const teachers = await this.loadTeachers(probe, readTeacher);
    const teacherQuery = await teacherTextRow(teachers, text);
    return {
      query: text,
      unknownWords: unknown,
      step: images.step,
      student: topK(meanSliceCosine(studentQuery, images.image, probe.count, slicesOf([images.dim])), k),
      teacher: topK(meanSliceCosine(teacherQuery, probe.teacherImage, probe.count, slicesOf(probe.teachers.map((t) => t.dim))), k),
      staleTeachers: staleTeachers(teachers)
    };
  }

  private loaded(): Promise<ProbeSet> {
    if (!this.probe) throw new Error("the probe set is not loaded yet (send a probe request first)");
    return this.probe;
  }

  private loadTeachers(probe: ProbeSet, read: (name: string) => Promise<Uint8Array>): Promise<TeacherEncoder[]> {
    if (probe.teachers.length === 0) throw new Error("the reinforced set names no teachers, so there is no teacher to search with");
    if (!this.teachers) {
      const teachers = loadTeacherEncoders(probe.teachers, read);
      // A failed load (a missing file) is retried by the next search.
      teachers.catch(() => this.teachers === teachers && (this.teachers = null));
      this.teachers = teachers;
    }
    return this.teachers;
  }
}
