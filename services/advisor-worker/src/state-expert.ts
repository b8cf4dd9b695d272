// The scripted advisor's generic path, for any registered env with a portable state and an expert
// (e.g. Minecraft-v0): the env is rebuilt from the snapshot's `envState` on one offline env per id
// (`makeEnv(id)`, then `importState`) and the env's own expert scores it. A snapshot without
// envState, or of an env without portable state or expert, is refused as `unsupported`; bytes the
// env refuses (EnvStateError) or a state that disagrees with the snapshot's legal mask as
// `invalid-answer`. Must not publish, read the bus, or step an env.
import {
  EnvRegistryError,
  EnvStateError,
  getExpert,
  hasPortableState,
  makeEnv,
  type Advice,
  type Env,
  type ExpertKnobs,
  type PortableStateEnv,
} from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import { BackendError } from './backend';

type StateEnv = Env & PortableStateEnv;
type Entry = { readonly env: StateEnv; readonly advise: (env: Env) => Advice } | { readonly refused: string };

export interface StateExpertCounts {
  /** Snapshots answered. */
  answered: number;
  /** Snapshots without envState. */
  noState: number;
  /** envState refused by the env, or disagreeing with the snapshot's legal mask. */
  badState: number;
}

/** Advises any snapshot whose env has a portable state and an expert; `knobs` (with their generator) are shared by every env's expert. */
export function stateExpert(knobs: ExpertKnobs): { advise(snapshot: StateSnapshot): Advice; readonly counts: StateExpertCounts } {
  const entries = new Map<string, Entry>();
  const counts: StateExpertCounts = { answered: 0, noState: 0, badState: 0 };

  const entryFor = (envId: string): Entry => {
    const known = entries.get(envId);
    if (known) return known;
    let entry: Entry;
    try {
      const env = makeEnv(envId);
      if (!hasPortableState(env)) {
        env.close();
        entry = { refused: `${envId} has no portable state to rebuild from a snapshot` };
      } else {
        const expert = getExpert(envId, knobs);
        entry = { env, advise: (e) => expert.advise(e) };
      }
    } catch (err) {
      if (!(err instanceof EnvRegistryError)) throw err;
      return { refused: err.message }; // unknown id or no expert (an optional env not installed may be installed later): not cached
    }
    entries.set(envId, entry);
    return entry;
  };

  return {
    counts,
    advise(snapshot: StateSnapshot): Advice {
      const entry = entryFor(snapshot.envId);
      if ('refused' in entry) throw new BackendError('unsupported', `scripted advice: ${entry.refused}`);
      const bytes = snapshot.envState;
      if (bytes === undefined) {
        counts.noState++;
        throw new BackendError('unsupported', `${snapshot.envId} snapshot without envState: the expert reads the env's state`);
      }
      try {
        entry.env.importState(bytes);
      } catch (err) {
        if (!(err instanceof EnvStateError)) throw err;
        counts.badState++;
        throw new BackendError('invalid-answer', `envState refused (${err.reason} ${err.field})`, { cause: err });
      }
      const legal = entry.env.legalActions();
      if (legal.length !== snapshot.legal.length || snapshot.legal.some((l, a) => l !== (legal[a] === 1))) {
        counts.badState++;
        throw new BackendError('invalid-answer', 'envState disagrees with the snapshot legal mask');
      }
      const advice = entry.advise(entry.env);
      counts.answered++;
      return advice;
    },
  };
}
