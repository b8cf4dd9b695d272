// The bus's own reading of `Ala-Ttl-Ms` from header bytes must give exactly what nats.js's parser
// gives (same value, same refusal) for every block, plain or not, also when it parses the value
// to a number itself; and a reused header set for a
// TTL value must put the same bytes on the wire as a fresh one.
import { HEADER_TTL_MS, MAX_TTL_MS, parseTtlMs } from '@ala/protocol';
import { headers as natsHeaders, Match, type MsgHdrs } from '@nats-io/transport-node';
import { MsgHdrsImpl } from '@nats-io/nats-core/internal';
import { NOT_PLAIN, scanHeader, scanTtlMs, TtlHeaderCache } from '../src/nats-headers';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** What the bus read before (nats.js decode, case-insensitive lookup); 'throws' when nats.js refuses the block. */
function viaNats(block: Uint8Array): string | undefined | 'throws' {
  let h: MsgHdrs;
  try {
    h = MsgHdrsImpl.decode(block);
  } catch {
    return 'throws';
  }
  return h.has(HEADER_TTL_MS, Match.IgnoreCase) ? h.get(HEADER_TTL_MS, Match.IgnoreCase) : undefined;
}

const blocks: Record<string, string> = {
  plain: 'NATS/1.0\r\nAla-Ttl-Ms: 5000\r\n\r\n',
  'lower-case key': 'NATS/1.0\r\nala-ttl-ms: 42\r\n\r\n',
  'other headers around': 'NATS/1.0\r\nX-Trace: t1\r\nAla-Ttl-Ms: 7\r\nNats-Msg-Id: a-b-1\r\n\r\n',
  'first of two lines wins': 'NATS/1.0\r\nala-ttl-ms: 1\r\nAla-Ttl-Ms: 2\r\n\r\n',
  'spaces around the value': 'NATS/1.0\r\nAla-Ttl-Ms:    12   \r\n\r\n',
  'no space after the colon': 'NATS/1.0\r\nAla-Ttl-Ms:99\r\n\r\n',
  'empty value': 'NATS/1.0\r\nAla-Ttl-Ms:\r\n\r\n',
  'value with a colon': 'NATS/1.0\r\nAla-Ttl-Ms: 1:2\r\n\r\n',
  absent: 'NATS/1.0\r\nX-Trace: t1\r\n\r\n',
  'key with a trailing space': 'NATS/1.0\r\nAla-Ttl-Ms : 5\r\n\r\n',
  'key with an inner space': 'NATS/1.0\r\nAla Ttl: 5\r\nAla-Ttl-Ms: 5\r\n\r\n',
  'line without a colon': 'NATS/1.0\r\ngarbage\r\nAla-Ttl-Ms: 8\r\n\r\n',
  'empty line in the middle': 'NATS/1.0\r\n\r\nAla-Ttl-Ms: 9\r\n\r\n',
  'no final CRLF': 'NATS/1.0\r\nAla-Ttl-Ms: 10',
  'status code': 'NATS/1.0 503\r\nAla-Ttl-Ms: 11\r\n\r\n',
  'tab in the value': 'NATS/1.0\r\nAla-Ttl-Ms:\t12\r\n\r\n',
  'non-ASCII value': 'NATS/1.0\r\nAla-Ttl-Ms: 1é\r\n\r\n',
  'lone LF in a value': 'NATS/1.0\r\nAla-Ttl-Ms: 1\n2\r\n\r\n',
  'long value': `NATS/1.0\r\nAla-Ttl-Ms: ${'7'.repeat(100)}\r\n\r\n`,
  'not a header block': 'HTTP/1.1\r\nAla-Ttl-Ms: 5\r\n\r\n',
};

describe('scanHeader', () => {
  it.each(Object.entries(blocks))('reads %s as nats.js does', (_name, text) => {
    const block = bytes(text);
    const ours = scanHeader(block, HEADER_TTL_MS.toLowerCase());
    const theirs = viaNats(block);
    if (ours === NOT_PLAIN) return; // the bus hands such blocks to nats.js: same result by construction
    expect(theirs).not.toBe('throws');
    expect(ours).toBe(theirs);
  });

  it('reads the plain blocks itself (does not hand them all to nats.js)', () => {
    for (const name of ['plain', 'lower-case key', 'other headers around', 'first of two lines wins', 'absent', 'no final CRLF']) {
      expect(scanHeader(bytes(blocks[name]!), 'ala-ttl-ms')).not.toBe(NOT_PLAIN);
    }
    for (const name of ['status code', 'key with an inner space', 'key with a trailing space', 'non-ASCII value', 'tab in the value']) {
      expect(scanHeader(bytes(blocks[name]!), 'ala-ttl-ms')).toBe(NOT_PLAIN);
    }
  });
});

/** What the receiver makes of a header value: the parsed ms, or the error parseTtlMs throws. */
function parsed(v: string | number | undefined | null): number | undefined | null | string {
  if (v === undefined || v === null || typeof v === 'number') return v;
  try {
    return parseTtlMs(v);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe('scanTtlMs', () => {
  const values = ['0', '1', '007', '5000', '86400000', '86400001', '999999999', '1234567890', '', '12a', '-5', '+5', '1e3', ' 5', '5.0', '٣'];
  const cases = { ...blocks, ...Object.fromEntries(values.map((v) => [`value ${JSON.stringify(v)}`, `NATS/1.0\r\nAla-Ttl-Ms: ${v}\r\n\r\n`])) };

  it.each(Object.entries(cases))('gives for %s what parseTtlMs gives for scanHeader', (_name, text) => {
    const block = bytes(text);
    const str = scanHeader(block, HEADER_TTL_MS.toLowerCase());
    const num = scanTtlMs(block);
    if (str === NOT_PLAIN) return expect(num).toBe(NOT_PLAIN);
    expect(parsed(num)).toEqual(parsed(str));
  });

  it('returns a number exactly for the values parseTtlMs accepts', () => {
    expect(scanTtlMs(bytes('NATS/1.0\r\nAla-Ttl-Ms: 5000\r\n\r\n'))).toBe(5000);
    expect(scanTtlMs(bytes(`NATS/1.0\r\nAla-Ttl-Ms: ${MAX_TTL_MS}\r\n\r\n`))).toBe(MAX_TTL_MS);
    expect(scanTtlMs(bytes(`NATS/1.0\r\nAla-Ttl-Ms: ${MAX_TTL_MS + 1}\r\n\r\n`))).toBe(String(MAX_TTL_MS + 1));
    expect(scanTtlMs(bytes('NATS/1.0\r\nAla-Ttl-Ms: 12a\r\n\r\n'))).toBe('12a');
    expect(scanTtlMs(bytes('NATS/1.0\r\nX-Trace: t1\r\n\r\n'))).toBeUndefined();
  });
});

describe('TtlHeaderCache', () => {
  it('reuses one header set per value, with the bytes of a fresh one', () => {
    const cache = new TtlHeaderCache();
    const a = cache.get(5000);
    expect(cache.get(5000)).toBe(a);
    expect(cache.get(4999)).not.toBe(a);
    const fresh = natsHeaders();
    fresh.set(HEADER_TTL_MS, '5000');
    const enc = (h: MsgHdrs): Uint8Array => (h as MsgHdrs & { encode(): Uint8Array }).encode();
    expect(enc(a)).toEqual(enc(fresh));
    expect(enc(a)).toEqual(enc(a));
  });
});
