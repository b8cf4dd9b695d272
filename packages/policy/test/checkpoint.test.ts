// Checkpoints: byte format round trip, malformed files refused with a clear CheckpointError,
// atomic writes that leave the previous checkpoint intact, and resume == uninterrupted run.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CheckpointError,
  SerialTrainer,
  decodeCheckpoint,
  encodeCheckpoint,
  loadTrainCheckpoint,
  makePpoConfig,
  presetFor,
  readCheckpointFile,
  saveTrainCheckpoint,
  writeCheckpointFile,
  type TrainCheckpoint,
} from '@ala/policy';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ala-ckpt-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('format', () => {
  it('round-trips float32 arrays, NaN/Infinity and plain data', () => {
    const payload = { a: new Float32Array([1.5, -2, 3e-8]), b: [1, 'x', null], c: { d: Number.NaN, e: -Infinity } };
    const back = decodeCheckpoint(encodeCheckpoint(payload)) as typeof payload;
    expect(back.a).toBeInstanceOf(Float32Array);
    expect(Array.from(back.a)).toEqual(Array.from(payload.a));
    expect(back.b).toEqual([1, 'x', null]);
    expect(back.c.d).toBeNaN();
    expect(back.c.e).toBe(-Infinity);
  });

  const good = encodeCheckpoint({ x: new Float32Array([1, 2, 3]) });
  const nl = good.indexOf(0x0a);
  it.each([
    ['empty file', Buffer.alloc(0), /no header line/],
    ['header is not JSON', Buffer.from('garbage\n{}'), /header is not JSON/],
    ['another format', Buffer.from('{"format":"zip","version":1}\n{}'), /format is "zip"/],
    ['future version', Buffer.from(good.toString().replace('"version":1', '"version":99')), /version 99 is not supported/],
    ['truncated payload', good.subarray(0, good.length - 5), /truncated/],
    ['flipped payload byte', Buffer.concat([good.subarray(0, nl + 3), Buffer.from('Z'), good.subarray(nl + 4)]), /sha256 mismatch/],
  ])('%s is refused with a clear error', (_name, bytes, message) => {
    expect(() => decodeCheckpoint(bytes, 'test.ckpt')).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes, 'test.ckpt')).toThrow(message);
  });

  it('a missing file is a CheckpointError naming the path', async () => {
    await expect(readCheckpointFile(path.join(dir, 'nope.ckpt'))).rejects.toThrow(/cannot read checkpoint .*nope\.ckpt/);
  });
});

const cfg = makePpoConfig({ numEnvs: 4, numSteps: 32, updateEpochs: 2, totalTimesteps: 1024 }, presetFor('CartPole-v1'));

async function snapshot(trainer: SerialTrainer, wallSeconds = 0): Promise<TrainCheckpoint> {
  return { kind: 'serial-trainer', envId: 'CartPole-v1', seed: 3, config: cfg, state: trainer.getState(), wallSeconds };
}

describe('train checkpoints', () => {
  it('resume continues exactly like an uninterrupted run', async () => {
    const a = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 3, config: cfg });
    const aEpisodes: number[] = [];
    for (let i = 0; i < 4; i++) aEpisodes.push(...(await a.iterate()).episodes.map((e) => e.return));

    const b = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 3, config: cfg });
    const bEpisodes: number[] = [];
    for (let i = 0; i < 2; i++) bEpisodes.push(...(await b.iterate()).episodes.map((e) => e.return));
    const file = path.join(dir, 'run.ckpt');
    await saveTrainCheckpoint(file, await snapshot(b));
    b.dispose();

    const loaded = await loadTrainCheckpoint(file);
    const c = await SerialTrainer.create({ envId: loaded.envId, seed: loaded.seed, config: loaded.config });
    await c.setState(loaded.state, file);
    for (let i = 0; i < 2; i++) bEpisodes.push(...(await c.iterate()).episodes.map((e) => e.return));

    expect(bEpisodes).toEqual(aEpisodes);
    const sa = a.getState();
    const sc = c.getState();
    expect(sc.learner.weights).toEqual(sa.learner.weights);
    expect(sc.learner.adam).toEqual(sa.learner.adam);
    expect(sc).toEqual(sa);
    a.dispose();
    c.dispose();
  });

  it('a refused write (non-finite weights) and a crashed write leave the previous checkpoint intact', async () => {
    const t = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 3, config: cfg });
    await t.iterate();
    const file = path.join(dir, 'run.ckpt');
    const good = await snapshot(t);
    await saveTrainCheckpoint(file, good);
    const bytes = await fs.readFile(file);

    const w = good.state.learner.weights;
    const poisoned = {
      ...good,
      state: {
        ...good.state,
        learner: { ...good.state.learner, weights: { ...w, critic: w.critic.map((l, i) => (i === 0 ? { ...l, b: l.b.map(() => Number.NaN) } : l)) } },
      },
    };
    await expect(saveTrainCheckpoint(file, poisoned)).rejects.toThrow(/refusing to write .*non-finite weights/);
    expect(await fs.readFile(file)).toEqual(bytes);

    // A crash mid-write leaves only a temp file behind; the checkpoint itself is untouched.
    await fs.writeFile(path.join(dir, `.run.ckpt.tmp-${process.pid + 1}`), bytes.subarray(0, 100));
    expect((await loadTrainCheckpoint(file)).state.iteration).toBe(1);
    t.dispose();
  });

  it('a structurally malformed checkpoint is refused before anything changes', async () => {
    const t = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 3, config: cfg });
    await t.iterate();
    const good = await snapshot(t);
    const file = path.join(dir, 'bad.ckpt');
    const w = good.state.learner.weights;
    await writeCheckpointFile(file, { ...good, state: { ...good.state, learner: { ...good.state.learner, weights: { ...w, actor: [w.actor[0]] } } } });
    await writeCheckpointFile(path.join(dir, 'cfg.ckpt'), { ...good, config: { ...good.config, gamma: 7 } });
    await writeCheckpointFile(path.join(dir, 'kind.ckpt'), { ...good, kind: 'other' });
    const before = t.getState();
    // Truncated actor trunk: passes the structural check, refused when restored; trainer unchanged.
    await expect(t.setState((await loadTrainCheckpoint(file)).state, file)).rejects.toThrow(CheckpointError);
    expect(t.getState()).toEqual(before);
    await expect(loadTrainCheckpoint(path.join(dir, 'cfg.ckpt'))).rejects.toThrow(/config: gamma must be in \[0, 1\]/);
    await expect(loadTrainCheckpoint(path.join(dir, 'kind.ckpt'))).rejects.toThrow(/kind must be "serial-trainer"/);
    t.dispose();
  });

  it('a checkpoint written before the rename keeps its decoupled cap (isClip -> cBar)', async () => {
    const t = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 3, config: cfg });
    const good = await snapshot(t);
    const { cBar: _cBar, ...old } = { ...good.config, isClip: 3 };
    const file = path.join(dir, 'old.ckpt');
    await writeCheckpointFile(file, { ...good, config: old });
    expect((await loadTrainCheckpoint(file)).config.cBar).toBe(3);
    t.dispose();
  });
});
