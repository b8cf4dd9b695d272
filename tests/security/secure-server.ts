// Test fixture: a real nats-server running with the identities of `ala creds` (auth.conf included
// from a server config, as a deployment does), optionally with TLS, and connections as any of
// those identities that record every permission denial the server reports.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect, type AlaConnection, type BusLogger, type ConnectionSecurity, type Identity } from '@ala/bus';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { seedFileOf, writeCreds, type CredsResult } from '../../packages/cli/src/commands/creds';
import { tempDir } from '../e2e/harness';

export interface SecureServer {
  server: NatsServerHandle;
  dir: string;
  creds: CredsResult;
  /** Connection security of an identity (plus the fixture's TLS files). */
  security(identity: Identity): ConnectionSecurity;
  /** Connects as `identity`; `denials` collects the permission errors the server reported. */
  connectAs(identity: Identity): Promise<{ conn: AlaConnection; denials: string[] }>;
  stop(): Promise<void>;
}

/** Records logger lines (permission denials are `error` lines). */
export function recordingLogger(lines: string[]): BusLogger {
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {}, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`);
  return { info: rec('info'), warn: rec('warn'), error: rec('error') };
}

export async function startSecureServer(
  opts: { prefix?: string; tls?: { conf: string; client: Omit<ConnectionSecurity, 'nkeySeedFile'> } } = {},
): Promise<SecureServer> {
  const dir = tempDir('sec');
  const creds = writeCreds(path.join(dir, 'creds'), { prefix: opts.prefix ?? 'ala' });
  const conf = path.join(dir, 'creds', 'server.conf');
  writeFileSync(conf, `include "auth.conf"\n${opts.tls?.conf ?? ''}\n`);
  const server = await startNatsServer({ docker: 'never', args: ['-c', conf] });
  const security = (identity: Identity): ConnectionSecurity => ({ nkeySeedFile: seedFileOf(creds.dir, identity), ...opts.tls?.client });
  const conns: AlaConnection[] = [];
  return {
    server,
    dir,
    creds,
    security,
    connectAs: async (identity) => {
      const lines: string[] = [];
      const conn = await connect({
        servers: server.url,
        name: `test-${identity}`,
        security: security(identity),
        logger: recordingLogger(lines),
        reconnectTimeWaitMs: 50,
      });
      conns.push(conn);
      const denials: string[] = [];
      void (async () => {
        for await (const s of conn.nc.status()) if (s.type === 'error' && /Permissions Violation/.test(String(s.error))) denials.push(String(s.error));
      })();
      return { conn, denials };
    },
    stop: async () => {
      for (const c of conns) await c.close();
      await server.stop();
    },
  };
}
