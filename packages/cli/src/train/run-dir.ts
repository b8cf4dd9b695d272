// The files of one training run directory and small helpers to write them (JSON written via a
// temp file + rename so readers never see half a file; JSONL appended). Also collects the
// versions recorded in config.json. Must not: know about PPO or the progress display.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** File names inside a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  episodes: 'episodes.jsonl',
  model: 'model.onnx',
  curve: 'learning-curve.svg',
  summary: 'summary.json',
  checkpoint: 'checkpoint.ckpt',
} as const;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Append records as JSON lines (non-finite numbers become null, as JSON requires). */
export async function appendJsonl(file: string, records: readonly unknown[]): Promise<void> {
  if (records.length === 0) return;
  await fs.appendFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Read JSON lines back (missing file = no records). */
export async function readJsonl<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** The current git commit of the checkout, or 'unknown' outside a git repository. */
export function gitCommit(cwd = process.cwd()): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** Versions recorded with every run. */
export function runtimeVersions(tfjs: string, ort: string): Record<string, string> {
  return { node: process.version, tfjs, onnxruntime: ort, ala: '0.1.0', gitCommit: gitCommit() };
}
