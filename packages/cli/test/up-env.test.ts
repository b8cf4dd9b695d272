// `ala up --env`: an id or a family name with one registered version; unknown and ambiguous names
// are usage errors saying why; server-backed envs get their own defaults.
import { CartPoleEnv, OPTIONAL_ENVS, registerEnv, unregisterEnv } from '@ala/envs';
import { CliUsageError } from '../src/errors';
import { resolveUpEnv, UP_ASYNC_ENV_DEFAULTS } from '../src/commands/up';

test('family names resolve to the registered id; sync envs say so', () => {
  expect(resolveUpEnv('CartPole')).toEqual({ envId: 'CartPole-v1', async: false });
  expect(resolveUpEnv('CraftWorld-easy')).toEqual({ envId: 'CraftWorld-easy-v0', async: false });
  expect(UP_ASYNC_ENV_DEFAULTS).toEqual({ stepHz: 0, adviceTtlMs: 500, evalEpisodes: 0 });
});

test('unknown and ambiguous names are usage errors; Minecraft without its package says how to install it', () => {
  expect(() => resolveUpEnv('Pong-v9')).toThrow(CliUsageError);
  expect(() => resolveUpEnv('Pong-v9')).toThrow(/--env Pong-v9 is not registered \(one of CartPole-v1, /);
  registerEnv({ id: 'Twin-v0', create: () => new CartPoleEnv() });
  registerEnv({ id: 'Twin-v1', create: () => new CartPoleEnv() });
  try {
    expect(() => resolveUpEnv('Twin')).toThrow('--env Twin: env name "Twin" is ambiguous: Twin-v0, Twin-v1');
  } finally {
    unregisterEnv('Twin-v0');
    unregisterEnv('Twin-v1');
  }
  if (OPTIONAL_ENVS['Minecraft-v0']!.installed()) expect(resolveUpEnv('Minecraft')).toEqual({ envId: 'Minecraft-v0', async: true });
  else
    expect(() => resolveUpEnv('Minecraft')).toThrow(
      '--env Minecraft: Minecraft-v0 needs @ala/env-minecraft: @ala/env-minecraft is not installed; run npm run setup:minecraft',
    );
});
