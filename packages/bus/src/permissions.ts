// The least-privilege NATS permissions of every ALA identity (docs/security.md has the same table):
// which subjects each service may publish and subscribe, including the exact JetStream API,
// KV ($KV) and Object Store ($O) subjects it needs, and its own inbox `_INBOX_<publicKey>.>`.
// Only the bias-router may publish `<prefix>.bias.*` (and so write stream ALA_BIAS); only the
// ppo-learner writes the policy stores and announces policies. authConf() renders the
// nats-server `authorization { users = [...] }` block. Must not: do I/O or hold any seed.
import { subjects } from '@ala/protocol';
import { adviceLogStreamName } from './advice-log';
import { resourceNames } from './jetstream';
import { inboxPrefixFor } from './security';

/** The identities `ala creds` issues, one nkey user each. */
export const IDENTITIES = ['actor-runner', 'advisor-worker', 'vote-aggregator', 'bias-router', 'ppo-learner', 'ops'] as const;
export type Identity = (typeof IDENTITIES)[number];

export interface Permissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

const api = (...parts: string[]): string => `$JS.API.${parts.join('.')}`;

/** Publish/subscribe allow-lists of one identity for a subject prefix (inbox excluded: see permissionsFor). */
export function edgesOf(identity: Identity, prefix = 'ala'): Permissions {
  const s = subjects(prefix);
  const r = resourceNames(prefix);
  const kv = `KV_${r.policyKv}`;
  const obj = `OBJ_${r.weights}`;
  // each service answers `$SRV` discovery/stats requests and `<name>.status` (replies via allow_responses)
  const status = ['$SRV.>', `${identity}.status`];
  // open (read) the policy stores: KV `latest` and small models by direct get, new small models by a KV watch and
  // large models through ordered consumers
  const readPolicies = [
    api('STREAM.INFO', kv),
    api('STREAM.INFO', obj),
    api('DIRECT.GET', kv),
    api('DIRECT.GET', kv, '>'),
    api('CONSUMER.CREATE', kv),
    api('CONSUMER.CREATE', kv, '>'),
    api('CONSUMER.DELETE', kv, '>'),
    api('CONSUMER.INFO', kv, '>'),
    api('DIRECT.GET', obj),
    api('DIRECT.GET', obj, '>'),
    api('STREAM.MSG.GET', obj),
    api('CONSUMER.CREATE', obj),
    api('CONSUMER.CREATE', obj, '>'),
    api('CONSUMER.DELETE', obj, '>'),
    api('CONSUMER.INFO', obj, '>'),
  ];
  switch (identity) {
    case 'actor-runner':
      return {
        publish: [
          s.stateAll,
          `${s.prefix}.traj.*`,
          api('INFO'),
          api('STREAM.INFO', r.traj),
          api('STREAM.CREATE', r.traj),
          api('STREAM.INFO', r.bias),
          api('DIRECT.GET', r.bias),
          api('DIRECT.GET', r.bias, '>'),
          ...readPolicies,
        ],
        subscribe: [`${s.prefix}.bias.*`, s.policyAnnounce, ...status],
      };
    case 'advisor-worker':
      return { publish: [s.adviceAll], subscribe: [s.stateAll, ...status] };
    case 'vote-aggregator': {
      // it owns the advice log (advice and votes as published) and reads it for `ala up`'s export
      const log = adviceLogStreamName(prefix);
      return {
        publish: [s.voteAll, api('INFO'), api('STREAM.INFO', log), api('STREAM.CREATE', log), api('STREAM.UPDATE', log), api('DIRECT.GET', log)],
        subscribe: [s.adviceAll, ...status],
      };
    }
    case 'bias-router':
      return {
        publish: [`${s.prefix}.bias.*`, api('INFO'), api('STREAM.INFO', r.bias), api('STREAM.CREATE', r.bias), api('STREAM.UPDATE', r.bias)],
        subscribe: [s.voteAll, ...status],
      };
    case 'ppo-learner':
      return {
        publish: [
          s.policyAnnounce,
          `$KV.${r.policyKv}.>`,
          `$O.${r.weights}.>`,
          api('INFO'),
          ...[r.traj, kv, obj].flatMap((n) => [api('STREAM.INFO', n), api('STREAM.CREATE', n), api('STREAM.UPDATE', n)]),
          api('STREAM.PURGE', obj),
          ...readPolicies,
          api('CONSUMER.INFO', r.traj, '*'),
          api('CONSUMER.CREATE', r.traj),
          api('CONSUMER.CREATE', r.traj, '>'),
          api('CONSUMER.DURABLE.CREATE', r.traj, '*'),
          api('CONSUMER.MSG.NEXT', r.traj, '*'),
          `$JS.ACK.${r.traj}.>`,
        ],
        subscribe: [...status],
      };
    case 'ops':
      // `ala status` and read-only JetStream inspection; no ALA data subject
      return {
        publish: [
          '$SRV.>',
          '*.status',
          api('INFO'),
          api('STREAM.INFO', '*'),
          api('STREAM.NAMES'),
          api('STREAM.LIST'),
          api('CONSUMER.INFO', '*', '*'),
          api('CONSUMER.NAMES', '*'),
          api('CONSUMER.LIST', '*'),
        ],
        subscribe: [],
      };
  }
}

/** Full allow-lists of an identity with public key `publicKey`: its edges plus its own inbox. */
export function permissionsFor(identity: Identity, publicKey: string, prefix = 'ala'): Permissions {
  const e = edgesOf(identity, prefix);
  return { publish: e.publish, subscribe: [...e.subscribe, `${inboxPrefixFor(publicKey)}.>`] };
}

const q = (x: string): string => JSON.stringify(x);

/** The nats-server config fragment: one nkey user per identity, allow-lists only (everything else denied). */
export function authConf(users: readonly { identity: Identity; publicKey: string }[], prefix = 'ala'): string {
  const lines = [
    `# ALA NATS identities for subject prefix "${prefix}", written by \`ala creds\` (docs/security.md).`,
    '# Include it from a server config: include "auth.conf"',
    'authorization {',
    '  users = [',
  ];
  for (const u of users) {
    const p = permissionsFor(u.identity, u.publicKey, prefix);
    lines.push(`    # ${u.identity}`);
    lines.push(`    { nkey: ${q(u.publicKey)}, permissions: {`);
    lines.push(`        publish: { allow: [${p.publish.map(q).join(', ')}] }`);
    lines.push(`        subscribe: { allow: [${p.subscribe.map(q).join(', ')}] }`);
    lines.push('        allow_responses: true');
    lines.push('    } }');
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}
