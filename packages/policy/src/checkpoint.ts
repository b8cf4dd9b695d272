// Checkpoint files: a header line (format, version, sha256 and length of the payload) and a JSON
// payload whose Float32Arrays are stored as base64 little-endian bytes. Written atomically (temp
// file in the same directory, fsync, rename, fsync of the directory), so a crash or a refused
// write leaves the previous checkpoint intact. Must not: know what a trainer is beyond the shape
// checks in trainer-checkpoint.ts; it only encodes, hashes, writes and reads.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from './errors';

export const CHECKPOINT_FORMAT = 'ala-checkpoint';
export const CHECKPOINT_VERSION = 1;

interface Header {
  readonly format: string;
  readonly version: number;
  readonly sha256: string;
  readonly bytes: number;
}

function encodeValue(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) {
    return { $f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

function decodeValue(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.$f32 === 'string' && Object.keys(v).length === 1) {
      const buf = Buffer.from(v.$f32, 'base64');
      if (buf.byteLength % 4 !== 0) throw new Error('float32 block length is not a multiple of 4');
      const out = new Float32Array(buf.byteLength / 4);
      new Uint8Array(out.buffer).set(buf);
      return out;
    }
    if (typeof v.$num === 'string' && Object.keys(v).length === 1) return Number(v.$num);
  }
  return value;
}

/** Serialise a payload (plain data + Float32Arrays) to the checkpoint byte format. */
export function encodeCheckpoint(payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload, encodeValue), 'utf8');
  const header: Header = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    sha256: createHash('sha256').update(body).digest('hex'),
    bytes: body.byteLength,
  };
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n', 'utf8'), body]);
}

/** Parse and verify checkpoint bytes. Throws CheckpointError saying what is wrong. */
export function decodeCheckpoint(bytes: Buffer, source = 'checkpoint'): unknown {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new CheckpointError(`${source}: not an ALA checkpoint (no header line)`, source);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Header;
  } catch (err) {
    throw new CheckpointError(`${source}: header is not JSON`, source, { cause: err });
  }
  if (header?.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(`${source}: format is ${JSON.stringify(header?.format)}, expected ${CHECKPOINT_FORMAT}`, source);
  if (header.version !== CHECKPOINT_VERSION)
    throw new CheckpointError(`${source}: version ${header.version} is not supported (expected ${CHECKPOINT_VERSION})`, source);
  const body = bytes.subarray(nl + 1);
  if (body.byteLength !== header.bytes)
    throw new CheckpointError(`${source}: payload is ${body.byteLength} bytes, header says ${header.bytes} (truncated?)`, source);
  const digest = createHash('sha256').update(body).digest('hex');
  if (digest !== header.sha256) throw new CheckpointError(`${source}: sha256 mismatch (corrupted payload)`, source);
  try {
    return JSON.parse(body.toString('utf8'), decodeValue) as unknown;
  } catch (err) {
    throw new CheckpointError(`${source}: payload is not valid JSON: ${(err as Error).message}`, source, { cause: err });
  }
}

/** Write atomically: temp file + fsync + rename + directory fsync. */
export async function writeCheckpointFile(file: string, payload: unknown): Promise<void> {
  const bytes = encodeCheckpoint(payload);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // a full or read-only disk: remove the partial temp file (it would hold the space), keep the previous checkpoint
    const leftover = await fs.rm(tmp, { force: true }).then(
      () => '',
      (rmErr: unknown) => `; the partial file ${tmp} could not be removed (${(rmErr as Error).message})`,
    );
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CheckpointError(`${file}: cannot write checkpoint (${code}: ${(err as Error).message}); the previous checkpoint is unchanged${leftover}`, file, {
      cause: err,
    });
  }
  const dh = await fs.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Read and verify a checkpoint file (CheckpointError when missing or malformed). */
export async function readCheckpointFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new CheckpointError(`cannot read checkpoint ${file}: ${(err as Error).message}`, file, { cause: err });
  }
  return decodeCheckpoint(bytes, file);
}
