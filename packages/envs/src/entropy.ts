// Fresh OS entropy for an env that is reset without ever being given a seed, exactly like
// Gymnasium (SeedSequence(None) draws 128 bits from the OS). This is the only place in
// @ala/envs that reads ambient randomness; every draw after it comes from the seeded generator.
import { randomBytes } from 'node:crypto';

/** 128 random bits from the OS as a non-negative bigint, usable as a seed. */
export function freshSeed(): bigint {
  return BigInt(`0x${randomBytes(16).toString('hex')}`);
}
