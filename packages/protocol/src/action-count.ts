// The one check a message cannot make about itself: that a bias vector has exactly as many
// entries as the receiving agent has actions. Receivers that know nActions call this after
// decode. Pure; no codec or I/O.
import { ProtocolError } from './errors';

/** Throws ProtocolError('length') unless `vector.length === nActions`. */
export function assertActionCount(messageName: string, vector: ArrayLike<number>, nActions: number, path = '/bias'): void {
  if (vector.length !== nActions) {
    throw new ProtocolError('length', messageName, `length ${vector.length}, expected ${nActions} (number of actions of the agent)`, { path });
  }
}
