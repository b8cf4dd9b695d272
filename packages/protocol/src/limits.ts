// Bounds shared by the message definitions. They are part of the protocol: changing one changes
// what receivers accept, so bump the affected message versions. No logic here.

/** Most actions an agent may have (bias, probs, actionNames, legal lengths). */
export const MAX_ACTIONS = 1024;
/** Longest structured observation in a state snapshot. */
export const MAX_SNAPSHOT_OBS = 4096;
/** Longest observation vector in a trajectory chunk. */
export const MAX_OBS_DIM = 65_536;
/** Most agents one actor may run. */
export const MAX_AGENTS = 4096;
/** Most agent-steps (T x nAgents) in one trajectory chunk. */
export const MAX_CHUNK_STEPS = 1_000_000;
/** Largest env state (`StateSnapshot.envState`, env-defined bytes; CraftWorld 64x64 is ~2.1 KB). */
export const MAX_ENV_STATE_BYTES = 64 * 1024;
/** Longest `describe()` text in a state snapshot (UTF-16 code units). */
export const MAX_TEXT = 16_384;
/** Longest action name, model name, version string or free label. */
export const MAX_NAME = 128;
/** Longest advisor rationale kept with advice. */
export const MAX_RATIONALE = 2048;
/** Most advice ids a vote may combine. */
export const MAX_VOTE_INPUTS = 64;
/** Most entries in a service status `stats` map. */
export const MAX_STATS = 256;
/** Largest bias bound B: with |b| <= B the IS ratio is within exp(±2βB), so larger is nonsense. */
export const MAX_BIAS_BOUND = 100;

/** Payload limits (bytes), checked before parsing. */
export const MAX_BYTES = {
  stateSnapshot: 256 * 1024,
  advice: 32 * 1024,
  vote: 32 * 1024,
  bias: 16 * 1024,
  trajectoryChunk: 16 * 1024 * 1024,
  policyAnnounce: 1024,
  serviceStatus: 32 * 1024,
} as const;
