// The transport of `ala up` (up-stack.ts): NATS_URL, else a nats-server started here through
// @ala/testkit, else the in-process bus with a warning. On NATS every service gets its own
// connection, bus and JetStream context, as its own identity: the embedded server runs with the
// least-privilege nkey users of `ala creds`, generated into the run directory (docs/security.md);
// on a given server the identities come from --creds DIR, else from ALA_NATS_* (one identity).
// Must not: start services or print.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  connect,
  NatsBus,
  openJetStream,
  type AlaConnection,
  type BusLogger,
  type BusMetrics,
  type ConnectionSecurity,
  type Identity,
  type JetStreamContext,
} from '@ala/bus';
import { loadCommonConfig } from '@ala/telemetry';
import { subjects } from '@ala/protocol';
import { NatsServerNotFoundError, NatsServerVersionError, startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { seedFileOf, writeCreds } from './creds';

export type TransportChoice = 'auto' | 'nats' | 'in-process';

/** One service's link to NATS. */
export interface ServiceLink {
  readonly conn: AlaConnection;
  readonly bus: NatsBus;
  /** Opened on first use (the advice services have no JetStream permission). */
  js(): Promise<JetStreamContext>;
}

export interface UpTransport {
  readonly kind: 'nats' | 'nats-embedded' | 'in-process';
  readonly url?: string;
  readonly server?: NatsServerHandle;
  readonly warning?: string;
  /** Where the identities' seed files are (embedded: generated here; undefined = no identities). */
  readonly credsDir?: string;
  /** Connection security of an identity (undefined: no authentication). */
  security(identity: Identity): ConnectionSecurity | undefined;
  /** Publishes/subscribes the server denied, over every link (each is also logged, rate-limited). */
  permissionErrors(): number;
  /** Opens (once per identity) its connection, bus and JetStream context. */
  link(identity: Identity): Promise<ServiceLink>;
  /** Drains every link, then stops the embedded server. */
  close(): Promise<void>;
}

export interface UpTransportOptions {
  readonly transport?: TransportChoice;
  readonly natsUrl?: string;
  readonly prefix: string;
  /** Embedded server: write the identities here (default a fresh temp dir). Given server: read them from here. */
  readonly credsDir?: string;
  readonly metrics: BusMetrics;
  readonly logger: BusLogger;
}

function secured(
  url: string | undefined,
  server: NatsServerHandle | undefined,
  credsDir: string | undefined,
  opts: UpTransportOptions,
  removeCreds = false,
): Omit<UpTransport, 'kind' | 'warning'> {
  const links = new Map<Identity, Promise<ServiceLink>>();
  const conns: AlaConnection[] = [];
  const common = loadCommonConfig(process.env); // the identity and TLS files, as every service reads them
  const tls = {
    ...(common.tlsCaFile ? { tlsCaFile: common.tlsCaFile } : {}),
    ...(common.tlsCertFile ? { tlsCertFile: common.tlsCertFile, tlsKeyFile: common.tlsKeyFile } : {}),
  };
  const fromEnv: ConnectionSecurity = { ...(common.nkeySeedFile ? { nkeySeedFile: common.nkeySeedFile } : {}), ...tls };
  const security = (identity: Identity): ConnectionSecurity | undefined =>
    credsDir !== undefined ? { nkeySeedFile: seedFileOf(credsDir, identity), ...tls } : Object.keys(fromEnv).length > 0 ? fromEnv : undefined;
  return {
    ...(url ? { url } : {}),
    ...(server ? { server } : {}),
    ...(credsDir ? { credsDir } : {}),
    security,
    permissionErrors: () => conns.reduce((n, c) => n + c.stats().permissionErrors, 0),
    link: (identity) => {
      let l = links.get(identity);
      if (l === undefined) {
        l = (async () => {
          const sec = security(identity);
          const conn = await connect({ servers: url!, name: `ala-up-${identity}`, logger: opts.logger, ...(sec ? { security: sec } : {}) });
          let js: Promise<JetStreamContext> | undefined;
          conns.push(conn);
          return {
            conn,
            bus: new NatsBus(conn.nc, { metrics: opts.metrics, logger: opts.logger, subjects: subjects(opts.prefix) }),
            js: () => (js ??= openJetStream(conn.nc)),
          };
        })();
        links.set(identity, l);
      }
      return l;
    },
    close: async () => {
      for (const l of links.values()) {
        // a link that failed to open was already reported to whoever asked for it
        const link = await l.catch((err: unknown) => opts.logger.warn('ala up: a NATS link had failed to open', { error: err }));
        if (link === undefined) continue;
        await link.bus.close();
        await link.conn.drain().catch((err: unknown) => opts.logger.warn('ala up: drain failed', { error: err }));
      }
      await server?.stop();
      if (removeCreds && credsDir !== undefined) rmSync(credsDir, { recursive: true, force: true }); // a temp dir of ours: no seed left behind
    },
  };
}

const none: Pick<UpTransport, 'security' | 'link' | 'close' | 'permissionErrors'> = {
  security: () => undefined,
  permissionErrors: () => 0,
  link: () => Promise.reject(new Error('in-process transport has no NATS link')),
  close: () => Promise.resolve(),
};

export async function openUpTransport(opts: UpTransportOptions): Promise<UpTransport> {
  const choice = opts.transport ?? 'auto';
  if (choice === 'in-process') return { kind: 'in-process', ...none };
  const url = opts.natsUrl ?? process.env.NATS_URL;
  if (url) return { kind: 'nats', ...secured(url, undefined, opts.credsDir, opts) };
  let server: NatsServerHandle;
  const credsDir = opts.credsDir ?? mkdtempSync(path.join(tmpdir(), 'ala-up-creds-'));
  const removeCreds = opts.credsDir === undefined;
  try {
    writeCreds(credsDir, { keep: true, prefix: opts.prefix });
    const conf = path.join(credsDir, 'server.conf');
    // max_payload as infra/nats/nats.conf: trajectory chunks of many agents with large observations are MiBs
    writeFileSync(conf, '# nats-server config of `ala up`: the identities of `ala creds`\ninclude "auth.conf"\nmax_payload: 8MB\n');
    server = await startNatsServer({ docker: 'never', args: ['-c', conf] });
  } catch (err) {
    if (removeCreds) rmSync(credsDir, { recursive: true, force: true });
    if (choice === 'nats' || !(err instanceof NatsServerNotFoundError || err instanceof NatsServerVersionError)) throw err;
    return {
      kind: 'in-process',
      warning: `no usable nats-server (${(err as Error).message.split('\n')[0]}); running on the in-process bus: trajectories and policies stay in memory`,
      ...none,
    };
  }
  return { kind: 'nats-embedded', ...secured(server.url, server, credsDir, opts, removeCreds) };
}
