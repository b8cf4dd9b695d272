// A local fake OpenAI-compatible chat-completions server for tests (node http): it speaks the
// real protocol (POST /v1/chat/completions, `choices[0].message.content`, `usage`, and a
// `reasoning_content` field like GPT-OSS), and its behaviour is switched per test: a good answer,
// slow, HTTP 503 (with a message), malformed content, cut at the token cap (`finish_reason:
// "length"`), or refusing the JSON-schema response_format like llama-cpp-python (HTTP 500, only
// `json_object` known). It records every request body and the most requests it held at once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode =
  | { kind: 'answer'; content: string; delayMs?: number; finishReason?: string; refuseJsonSchema?: boolean }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'hang' };

export interface FakeOpenAi {
  url: string;
  mode: FakeMode;
  requests: Record<string, unknown>[];
  /** Requests being handled now, and the most ever at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake: FakeOpenAi = {
    url: '',
    mode: { kind: 'answer', content: '{"action":1,"confidence":0.8}' },
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    close: async () => undefined,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const request = JSON.parse(body) as Record<string, unknown>;
      fake.requests.push(request);
      fake.inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      res.on('close', () => void fake.inFlight--);
      const mode = fake.mode;
      if (mode.kind === 'hang') return; // never answers; the client must time out
      if (mode.kind === 'status') {
        res.writeHead(mode.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: mode.message ?? 'Model is overloaded' }));
        return;
      }
      if (mode.refuseJsonSchema && (request.response_format as { type?: string } | undefined)?.type === 'json_schema') {
        // llama-cpp-python's answer to a json_schema response_format (FastAPI validation error)
        const detail = [
          { type: 'literal_error', loc: ['body', 'response_format', 'type'], msg: "Input should be 'text' or 'json_object'", input: 'json_schema' },
        ];
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ detail }));
        return;
      }
      const reply = {
        id: `chatcmpl-${fake.requests.length}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'gpt-oss-20b',
        choices: [
          {
            index: 0,
            finish_reason: mode.finishReason ?? 'stop',
            // reasoning is separate from the final content and must be ignored
            message: { role: 'assistant', content: mode.content, reasoning_content: '{"action":0,"confidence":1} is what I first thought' },
          },
        ],
        usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
      };
      const send = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      if (mode.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, mode.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
