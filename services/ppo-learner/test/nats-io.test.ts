// The JetStream trajectory source on a real nats-server: when its durable consumer is deleted on
// the server, pull() rejects with the reason (the learner counts it in pullErrors) instead of
// returning empty batches forever.
import { connect, ensureStreams, openJetStream, resourceNames, silentLogger } from '@ala/bus';
import { startNatsServer } from '@ala/testkit';
import { jetStreamTrajectorySource } from '../src';

test('a deleted consumer makes pull() reject instead of returning nothing', async () => {
  const server = await startNatsServer();
  const conn = await connect({ servers: server.url, name: 'traj-source', logger: silentLogger });
  try {
    const js = await openJetStream(conn.nc);
    await ensureStreams(js, 'tsrc');
    const source = await jetStreamTrajectorySource(js, 'tsrc', 'learner-a');
    await expect(source.pull(8, 50)).resolves.toEqual([]); // alive, nothing stored yet
    await js.jsm.consumers.delete(resourceNames('tsrc').traj, 'learner-a');
    const t0 = performance.now();
    let error: Error | undefined;
    while (error === undefined && performance.now() - t0 < 10_000) await source.pull(8, 100).catch((e: Error) => void (error = e));
    expect(error?.message).toMatch(/trajectory consumer learner-a on .*: deleted on the server/);
    await source.close();
  } finally {
    await conn.close();
    await server.stop();
  }
});
