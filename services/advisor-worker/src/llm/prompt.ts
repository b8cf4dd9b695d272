// The LLM conversation for one snapshot and the validation of its answer. The prompt gives the
// state text (the env's describe()), the legal actions with their indices and names, and asks
// for JSON `{"action": <index>, "confidence": <0..1>, "rationale": "..."}` (a JSON-schema
// response_format enforces it on servers that support it). Only the final `content` is read;
// reasoning fields (GPT-OSS harmony `reasoning_content`) are ignored. Pure: no I/O.
import type { StateSnapshot } from '@ala/protocol';
import { BackendError, type BackendAnswer } from '../backend';

// A type alias (not an interface) so it fits the client's index-signature message type.
export type ChatMessage = {
  role: 'system' | 'user';
  content: string;
};

const SYSTEM = [
  'You advise a reinforcement-learning agent. Read the state and choose the best legal action.',
  'Answer with JSON only: {"action": <action index>, "confidence": <number from 0 to 1>, "rationale": "<one short sentence>"}.',
  'Alternatively give {"scores": [<one number per action, higher is better>], "confidence": <0..1>}.',
].join(' ');

export function buildMessages(snapshot: StateSnapshot): ChatMessage[] {
  const actions = snapshot.actionNames.map((name, i) => `${i}: ${name}${snapshot.legal[i] ? '' : ' (illegal now)'}`).join('\n');
  const user = `Environment: ${snapshot.envId}\nState:\n${snapshot.text}\n\nActions (index: name):\n${actions}`;
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/** OpenAI `response_format` with a JSON schema for the answer. */
export function responseFormat(nActions: number): { type: 'json_schema'; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } } {
  return {
    type: 'json_schema',
    json_schema: {
      name: 'ala_advice',
      strict: true,
      schema: {
        type: 'object',
        properties: {
          action: { type: 'integer', minimum: 0, maximum: nActions - 1 },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          rationale: { type: 'string', maxLength: 400 },
        },
        required: ['action', 'confidence'],
        additionalProperties: false,
      },
    },
  };
}

function invalid(detail: string): BackendError {
  return new BackendError('invalid-answer', detail);
}

/** Parses the model's final content into an answer for `snapshot`; throws BackendError('invalid-answer'). */
export function parseAnswer(content: unknown, snapshot: StateSnapshot, model: string): BackendAnswer {
  if (typeof content !== 'string' || content.trim() === '') throw invalid('empty content');
  const text = content.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BackendError('invalid-answer', `content is not JSON: ${text.slice(0, 80)}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('answer is not a JSON object');
  const o = json as Record<string, unknown>;
  const n = snapshot.actionNames.length;
  const confidence = o.confidence;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) throw invalid(`confidence ${JSON.stringify(confidence)} not in [0, 1]`);
  const rationale = typeof o.rationale === 'string' ? o.rationale.slice(0, 2048) : undefined;
  if (o.scores !== undefined) {
    const scores = o.scores;
    if (!Array.isArray(scores) || scores.length !== n || !scores.every((x) => typeof x === 'number' && Number.isFinite(x))) throw invalid(`scores must be ${n} finite numbers`);
    return { scores: scores as number[], confidence, model, rationale };
  }
  let action = o.action;
  if (typeof action === 'string') action = snapshot.actionNames.indexOf(action);
  if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= n) throw invalid(`action ${JSON.stringify(o.action)} is not an action index`);
  if (!snapshot.legal[action]) throw invalid(`action ${action} is illegal`);
  return { action, confidence, model, rationale };
}
