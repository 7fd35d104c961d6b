import {mkdir, readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {loadSources, type Sources} from "./sources.js";

/**
 * Node-only file access for the data modules (the browser passes fetch-based readers instead);
 * nothing under src/lib imports this file, so pages never bundle node:fs.
 */
export const SOURCES_DIR = fileURLToPath(new URL("../../../data/sources/", import.meta.url));

export function diskReader(dir: string): (file: string) => Promise<Uint8Array> {
  return async (file) => new Uint8Array(await readFile(join(dir, file)));
}

export function diskWriter(dir: string): (file: string, bytes: Uint8Array) => Promise<void> {
  return async (file, bytes) => {
    await mkdir(dir, {recursive: true});
    await writeFile(join(dir, file), bytes);
  };
}

/** Both committed source sets, read from data/sources/. */
export function loadSourcesFromDisk(dir = SOURCES_DIR): Promise<Sources> {
  return loadSources(diskReader(dir));
}
