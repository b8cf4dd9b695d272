// Connecting one mineflayer bot and waiting on its physics clock: createBot with retries (a
// reconnect can race the server's cleanup of the previous session and be kicked as "already
// connected"), the `spawn` handshake with a deadline, an `alaEnded` flag set when the connection
// ends, and waiting for N physics ticks (rejects when the bot disconnects). Must not act with
// the bot.
import { createBot } from './runtime-deps';

/* eslint-disable @typescript-eslint/no-explicit-any -- mineflayer runtime objects (see bot-view.ts) */
export type Bot = any;

export interface ConnectSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly version: string;
  readonly auth: 'offline' | 'microsoft';
}

const SPAWN_TIMEOUT_MS = 20_000;
const ATTEMPTS = 5;

function once(bot: Bot, settings: ConnectSettings): Promise<Bot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${settings.username}: no spawn within ${SPAWN_TIMEOUT_MS} ms`)), SPAWN_TIMEOUT_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      bot.removeListener('spawn', ok);
      bot.alaEnded = true;
      try {
        bot.quit();
      } catch {
        // the connection is already gone: nothing to close
      }
      reject(e);
    };
    const ok = (): void => {
      clearTimeout(timer);
      bot.removeListener('kicked', onKick);
      bot.removeListener('error', onError);
      bot.removeListener('end', onEnd);
      bot.on('error', () => undefined); // a socket error ends the connection; 'end' reports it
      bot.once('end', () => (bot.alaEnded = true));
      resolve(bot);
    };
    const onKick = (reason: unknown): void => fail(new Error(`${settings.username} kicked: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`));
    const onError = (e: Error): void => fail(e);
    const onEnd = (reason: unknown): void => fail(new Error(`${settings.username}: connection ended before spawn (${String(reason)})`));
    bot.once('spawn', ok);
    bot.once('kicked', onKick);
    bot.once('error', onError);
    bot.once('end', onEnd);
  });
}

/** Connects a bot and waits for its first spawn; retries with back-off; throws the last error. */
export async function connectBot(settings: ConnectSettings, cancelled: () => boolean): Promise<Bot> {
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS && !cancelled(); attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    const bot = createBot({
      host: settings.host,
      port: settings.port,
      username: settings.username,
      version: settings.version,
      auth: settings.auth,
      viewDistance: 'tiny',
      hideErrors: true,
      logErrors: false,
      respawn: true,
    });
    bot.alaEnded = false;
    try {
      return await once(bot, settings);
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`could not connect ${settings.username} to ${settings.host}:${settings.port}: ${String((last as Error)?.message ?? last)}`, { cause: last });
}

/** Resolves after `n` physics ticks of the bot; rejects if its connection ends first. */
export function waitTicks(bot: Bot, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (bot.alaEnded) return reject(new Error('bot disconnected'));
    let left = n;
    const tick = (): void => {
      if (--left > 0) return;
      cleanup();
      resolve();
    };
    const end = (): void => {
      cleanup();
      reject(new Error('bot disconnected'));
    };
    const cleanup = (): void => {
      bot.removeListener('physicsTick', tick);
      bot.removeListener('end', end);
    };
    bot.on('physicsTick', tick);
    bot.once('end', end);
  });
}
