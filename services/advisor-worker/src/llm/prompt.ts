// The LLM conversation for one snapshot and the validation of its answer; PROMPT_VERSION names
// this text and travels in every Advice (`promptVersion`), so answers can be traced to the prompt
// that produced them (bump it whenever a word below changes). The prompt gives the env's
// describe() text, the legal actions with their indices and names, the goal, the recent history
// of this agent (prompt-history.ts) and, for CartPole, the observation with its units; it asks for
// JSON `{"action": <index>, "confidence": <0..1>, "rationale": "<= N chars"}`, enforced by a
// JSON-schema response_format (or asked for as `json_object` on servers that refuse schemas). The
// rationale is capped so the answer fits the token budget: a cut-off answer is rejected anyway.
// Only the final `content` is read; reasoning fields (GPT-OSS `reasoning_content`) are ignored.
// Pure: no I/O.
import type { StateSnapshot } from '@ala/protocol';
import { BackendError, type BackendAnswer } from '../backend';
import type { ResponseFormatMode } from '../config';

/** Version of the prompt text and answer schema below. */
export const PROMPT_VERSION = 'ala-prompt-2';

// A type alias (not an interface) so it fits the client's index-signature message type.
export type ChatMessage = {
  role: 'system' | 'user';
  content: string;
};

/** One earlier snapshot of the same agent and episode, oldest first in the prompt. */
export interface HistoryEntry {
  readonly episodeStep: number;
  /** One short line about that state. */
  readonly summary: string;
  /** Name of the action this advisor recommended then, if it answered. */
  readonly advised?: string;
}

export interface PromptOptions {
  readonly history?: readonly HistoryEntry[];
  /** Longest rationale asked for, characters (0 = no rationale). */
  readonly rationaleMaxChars: number;
}

/** Tokens of the JSON answer without its rationale (`{"action": 12, "confidence": 0.85, "rationale": ""}` and slack). */
const ANSWER_SKELETON_TOKENS = 32;
/** Characters per token assumed for the rationale: English is ~4, 3 leaves room for tokenizers that split more. */
const CHARS_PER_TOKEN = 3;

/** The rationale length that fits `maxTokens` with the JSON around it (at most `requested`). */
export function rationaleBudget(maxTokens: number, requested: number): number {
  return Math.max(0, Math.min(requested, (maxTokens - ANSWER_SKELETON_TOKENS) * CHARS_PER_TOKEN));
}

const isCartPole = (envId: string): boolean => envId.startsWith('CartPole');
const isCraftWorld = (envId: string): boolean => envId.startsWith('CraftWorld');

function systemPrompt(envId: string, rationaleMaxChars: number): string {
  const rationale = rationaleMaxChars > 0 ? `, "rationale": "<why, at most ${rationaleMaxChars} characters>"` : '';
  const lines = [
    'You advise a reinforcement-learning agent. Read the state and choose the best legal action.',
    `Answer with one JSON object only: {"action": <index of a legal action>, "confidence": <number from 0 to 1>${rationale}}.`,
  ];
  if (isCraftWorld(envId)) {
    lines.push(
      'Goal: craft an iron pickaxe by following the tech tree: collect_log, craft_planks, craft_sticks, place_table, craft_wooden_pickaxe, collect_stone, craft_stone_pickaxe, place_furnace, collect_iron, smelt_iron, craft_iron_pickaxe.',
    );
    lines.push('Moves turn the agent and step onto grass; "interact" collects the tile in front. Prefer the action that makes progress on the next milestone.');
  } else if (isCartPole(envId)) {
    lines.push('Goal: keep the pole upright and the cart inside the track as long as possible.');
    lines.push('Push the cart toward the side the pole is falling to; the angular velocity matters more than the angle.');
  }
  return lines.join(' ');
}

/** CartPole's observation with units (Gymnasium CartPole-v1 order). */
function cartPoleObservation(obs: readonly number[]): string | undefined {
  if (obs.length !== 4) return undefined;
  const [x, xDot, theta, thetaDot] = obs as [number, number, number, number];
  const deg = (theta * 180) / Math.PI;
  return [
    `cart position x = ${x.toFixed(3)} m (track limit +-2.4 m)`,
    `cart velocity = ${xDot.toFixed(3)} m/s (positive = moving right)`,
    `pole angle = ${theta.toFixed(4)} rad = ${deg.toFixed(2)} deg (positive = leaning right; limit +-12 deg)`,
    `pole angular velocity = ${thetaDot.toFixed(3)} rad/s (positive = falling right)`,
  ].join('\n');
}

export function buildMessages(snapshot: StateSnapshot, opts: PromptOptions = { rationaleMaxChars: 120 }): ChatMessage[] {
  const actions = snapshot.actionNames.map((name, i) => `${i}: ${name}${snapshot.legal[i] ? '' : ' (illegal now)'}`).join('\n');
  const parts = [`Environment: ${snapshot.envId}, episode step ${snapshot.episodeStep}`, `State:\n${snapshot.text}`];
  const obs = isCartPole(snapshot.envId) && snapshot.obs ? cartPoleObservation(snapshot.obs) : undefined;
  if (obs) parts.push(`Observation:\n${obs}`);
  const history = opts.history ?? [];
  if (history.length > 0) {
    parts.push(
      `Recent history of this agent (oldest first):\n${history.map((h) => `step ${h.episodeStep}: ${h.summary}${h.advised ? ` -> advised ${h.advised}` : ''}`).join('\n')}`,
    );
  }
  parts.push(`Actions (index: name):\n${actions}`);
  return [
    { role: 'system', content: systemPrompt(snapshot.envId, opts.rationaleMaxChars) },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

type JsonSchemaFormat = { type: 'json_schema'; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
type JsonObjectFormat = { type: 'json_object' };

/** OpenAI `response_format`: a JSON schema (legal action indices only, rationale capped) or plain `json_object`. */
export function responseFormat(
  snapshot: Pick<StateSnapshot, 'legal'>,
  mode: Exclude<ResponseFormatMode, 'auto'>,
  rationaleMaxChars: number,
): JsonSchemaFormat | JsonObjectFormat {
  if (mode === 'json_object') return { type: 'json_object' };
  const legal = snapshot.legal.flatMap((ok, i) => (ok ? [i] : []));
  const properties: Record<string, unknown> = {
    action: { type: 'integer', enum: legal },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  };
  if (rationaleMaxChars > 0) properties.rationale = { type: 'string', maxLength: rationaleMaxChars };
  return {
    type: 'json_schema',
    json_schema: { name: 'ala_advice', strict: true, schema: { type: 'object', properties, required: ['action', 'confidence'], additionalProperties: false } },
  };
}

function invalid(detail: string): BackendError {
  return new BackendError('invalid-answer', detail);
}

/** Parses the model's final content into an answer for `snapshot`; throws BackendError('invalid-answer'). */
export function parseAnswer(content: unknown, snapshot: StateSnapshot, model: string): BackendAnswer {
  if (typeof content !== 'string' || content.trim() === '') throw invalid('empty content');
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
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
    if (!Array.isArray(scores) || scores.length !== n || !scores.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw invalid(`scores must be ${n} finite numbers`);
    return { scores: scores as number[], confidence, model, rationale };
  }
  let action = o.action;
  if (typeof action === 'string') action = snapshot.actionNames.indexOf(action);
  if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= n)
    throw invalid(`action ${JSON.stringify(o.action)} is not an action index`);
  if (!snapshot.legal[action]) throw invalid(`action ${action} is illegal`);
  return { action, confidence, model, rationale };
}
