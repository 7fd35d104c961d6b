import {parseEvalResults, describeProblem} from "../results/evalResults.js";
import {scoreLines} from "./sweepTable.js";

/** A teacher's evaluation file as the build bundles it (data/teachers/<name>.eval.jsonl). */
export interface TeacherFile {
  readonly name: string;
  readonly source: string;
  readonly text: string;
}

export interface TeacherScores {
  readonly name: string;
  readonly source: string;
  /** Suites' main_metric and the group means, like a run's row. */
  readonly scores: Readonly<Record<string, number>>;
}

/** The teachers' scores, the reference line on RQ1's charts; a file that cannot be read is reported, not drawn. */
export function teacherScores(files: readonly TeacherFile[]): {teachers: TeacherScores[]; problems: string[]} {
  const teachers: TeacherScores[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parseEvalResults(file.text, file.source);
    if (parsed.errors.length > 0) {
      problems.push(...parsed.errors.map(describeProblem));
      continue;
    }
    const {scores, problem} = scoreLines(parsed.records);
    if (problem) problems.push(`${file.source}: ${problem}`);
    teachers.push({name: file.name, source: file.source, scores});
  }
  return {teachers, problems};
}
