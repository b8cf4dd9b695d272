// Public surface of @ala/protocol: every subject and message of ALA defined once, the msgpack
// codec with validation, ids, headers and errors. Nothing here performs I/O.
export { ProtocolError, DefinitionError } from './errors';
export type { ProtocolErrorReason, ProtocolErrorDetails } from './errors';
export { isValidId, ID_PATTERN_SOURCE, MAX_ID_LENGTH } from './ids';
export { defineMessage, encode, decode, validate } from './codec';
export type { MessageDef, MessageSpec, PackedField, SemanticCheck, Violation } from './codec';
export { PackedF32, PackedI32, PackedU32, PackedU8, Id, Count, PositiveInt, Unit, NonNegative, WallMs, NumberVector } from './schema-types';
export type { PackedElement } from './schema-types';
export { subjects, isValidPrefix } from './subjects';
export { subjectFor, wildcardFor, assertSubjectMatches } from './channels';
export type { SubjectBinding } from './channels';
export type { Subjects, SubjectKind } from './subjects';
export { HEADER_TTL_MS, MAX_TTL_MS, formatTtlMs, parseTtlMs } from './headers';
export { assertActionCount } from './action-count';
export {
  MAX_ACTIONS,
  MAX_AGENTS,
  MAX_BIAS_BOUND,
  MAX_BYTES,
  MAX_CHUNK_STEPS,
  MAX_ENV_STATE_BYTES,
  MAX_NAME,
  MAX_OBS_DIM,
  MAX_RATIONALE,
  MAX_SNAPSHOT_OBS,
  MAX_STATS,
  MAX_TEXT,
  MAX_VOTE_INPUTS,
} from './limits';
export { StateSnapshot, PROBS_SUM_TOLERANCE } from './messages/state-snapshot';
export { Advice } from './messages/advice';
export { Vote } from './messages/vote';
export { Bias } from './messages/bias';
export { TrajectoryChunk } from './messages/trajectory-chunk';
export { PolicyAnnounce } from './messages/policy-announce';
export { ServiceStatus } from './messages/service-status';
export { EnvRequest, EnvReply, envBridgeSubject, ENV_OPS, ENV_ERROR_KINDS } from './env-bridge';
export type { EnvOp, EnvErrorKind } from './env-bridge';
