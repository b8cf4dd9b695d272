// AssemblyScript source of the actor hot path's WebAssembly kernel (see ../src/act-kernel.ts for
// the JavaScript side, which owns the memory layout, and ../README.md for why it exists).
// Compiled by `npm run build:wasm` (scripts/build-wasm.mjs) into ../src/act-kernel-wasm.ts.
// Everything is f64 in linear memory at offsets the caller passes once to `layout`; two lanes of
// f64x2 SIMD per step. Same maths as actBatch in ../src/act-batch.ts: per agent, μ = softmax(z + βb)
// from exp(z − max) and a memo of w = exp(βb) per entry, one uniform per agent, inverse CDF.
// Must not: allocate, import anything, or read outside the regions given to `layout`.

// exp(x) for x <= 0, table-driven as ../src/fast-exp.ts (x = (64m + j)·ln2/64 + r, |r| <= ln2/128),
// with the polynomial in Estrin form and 2^m built from bits; results below e^-708 are flushed to 0.
const INV_L: f64 = 64.0 / 0.6931471805599453;
const L_HI: f64 = 6.93147180369123816490e-1 / 64;
const L_LO: f64 = 1.90821492927058770002e-10 / 64;
const SHIFT: f64 = 6755399441055744.0; // 1.5·2^52: x·INV_L + SHIFT holds round(x·INV_L) in its low bits
const FLUSH: f64 = -708.0;

let TAB: usize = 0; // 2^(j/64), j = 0..63
let Z: usize = 0; // logits [nAg*nA]
let B: usize = 0; // bias [nAg*nA]
let MASK: usize = 0; // u8 legal flags [nAg*nA]
let ROWF: usize = 0; // u8 per agent: 1 = this row is biased
let MS: usize = 0; // memo key β·b [nAg*nA]
let MW: usize = 0; // memo value exp(β·b) [nAg*nA]
let U: usize = 0; // one uniform per agent [nAg]
let RMAX: usize = 0; // legal max of z per agent [nAg]
let E: usize = 0; // unnormalised probabilities of one row [nA + 1]
let ACT: usize = 0; // i32 action [nAg]
let MU: usize = 0; // log μ(a) [nAg]
let PK: usize = 0; // log π(a) [nAg]
let TAKEN: usize = 0; // β·b[a] [nAg]
let KL: usize = 0; // KL(μ||π) [nAg]

export function layout(tab: usize, z: usize, b: usize, mask: usize, rowf: usize, ms: usize, mw: usize, u: usize, rmax: usize, e: usize, act: usize, mu: usize, pk: usize, taken: usize, kl: usize): void {
  TAB = tab; Z = z; B = b; MASK = mask; ROWF = rowf; MS = ms; MW = mw; U = u; RMAX = rmax; E = e;
  ACT = act; MU = mu; PK = pk; TAKEN = taken; KL = kl;
}

// @ts-ignore: decorator
@inline function expPair(x: v128): v128 {
  const kf = f64x2.add(f64x2.mul(x, f64x2.splat(INV_L)), f64x2.splat(SHIFT));
  const kd = f64x2.sub(kf, f64x2.splat(SHIFT));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kd, f64x2.splat(L_HI))), f64x2.mul(kd, f64x2.splat(L_LO)));
  const r2 = f64x2.mul(r, r);
  const lo = f64x2.add(f64x2.splat(1.0), r);
  const mid = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(1.0 / 6)));
  const hi = f64x2.add(f64x2.splat(1.0 / 24), f64x2.mul(r, f64x2.splat(1.0 / 120)));
  const p = f64x2.add(f64x2.add(lo, f64x2.mul(r2, mid)), f64x2.mul(f64x2.mul(r2, r2), hi));
  const k0 = <i32>i64x2.extract_lane(kf, 0);
  const k1 = <i32>i64x2.extract_lane(kf, 1);
  let t = v128.load64_zero(TAB + ((<usize>(k0 & 63)) << 3));
  t = v128.load64_lane(TAB + ((<usize>(k1 & 63)) << 3), t, 1);
  // 2^(k >> 6): the low 32 bits of each lane hold k; shift them up, arithmetic-shift down by 38
  const s = i64x2.shl(i64x2.add(i64x2.shr_s(i64x2.shl(kf, 32), 38), i64x2.splat(1023)), 52);
  const v = f64x2.mul(f64x2.mul(t, p), s);
  return v128.and(v, f64x2.gt(x, f64x2.splat(FLUSH)));
}

// The same operations on one value (identical IEEE results to a lane of expPair).
// @ts-ignore: decorator
@inline function expOne(x: f64): f64 {
  const kf = x * INV_L + SHIFT;
  const kd = kf - SHIFT;
  const r = x - kd * L_HI - kd * L_LO;
  const r2 = r * r;
  const p = (1.0 + r) + r2 * (0.5 + r * (1.0 / 6)) + r2 * r2 * (1.0 / 24 + r * (1.0 / 120));
  const k = <i32>reinterpret<i64>(kf);
  const t = load<f64>(TAB + ((<usize>(k & 63)) << 3));
  const s = reinterpret<f64>((<i64>(k >> 6) + 1023) << 52);
  const v = t * p * s;
  return x > FLUSH ? v : 0.0;
}

/** Lanes of (u8 flags at p, p+1) as all-ones where set. */
// @ts-ignore: decorator
@inline function legalPair(p: usize): v128 {
  const v = i64x2.replace_lane(i64x2.splat(<i64>load<u8>(p)), 1, <i64>load<u8>(p + 1));
  return i64x2.ne(v, i64x2.splat(0));
}

/**
 * Checks every row and stores its legal maximum; for biased rows also max |b|. Returns 0 when
 * all is well, 1 when some logit is NaN or +Infinity, a row has no legal action, or a used bias
 * entry is not finite (the caller re-checks in JavaScript to name it), 2 when some biased row has
 * |β|·max|b| > big (the caller then takes its exact path). Writes only RMAX.
 */
export function scan(nAg: i32, nA: i32, masked: i32, beta: f64, big: f64): i32 {
  // Pseudo-max (pmax: one maxpd) drops NaN, so NaN and +Infinity are caught by their own tests.
  const ninf = f64x2.splat(-Infinity);
  const pinf = f64x2.splat(Infinity);
  let status = 0;
  for (let i = 0; i < nAg; i++) {
    const off = <usize>(i * nA);
    let mv = ninf; // legal maximum, two lanes
    let badv = i64x2.splat(0); // lanes that saw NaN or +Infinity
    let a = 0;
    for (; a + 1 < nA; a += 2) {
      const j = off + <usize>a;
      const v = v128.load(Z + (j << 3));
      badv = v128.or(badv, v128.not(f64x2.lt(v, pinf))); // NaN or +Infinity
      mv = f64x2.pmax(mv, masked ? v128.bitselect(v, ninf, legalPair(MASK + j)) : v);
    }
    let m = max(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
    let bad = v128.any_true(badv);
    if (a < nA) {
      const j = off + <usize>a;
      const v = load<f64>(Z + (j << 3));
      if (!(v < Infinity)) bad = true;
      if ((!masked || load<u8>(MASK + j) != 0) && v > m) m = v;
    }
    if (bad || m == -Infinity) return 1;
    store<f64>(RMAX + (<usize>i << 3), m);
    if (load<u8>(ROWF + <usize>i) != 0) {
      let bmv = f64x2.splat(0);
      let badb = i64x2.splat(0);
      a = 0;
      for (; a + 1 < nA; a += 2) {
        const v = f64x2.abs(v128.load(B + ((off + <usize>a) << 3)));
        badb = v128.or(badb, v128.not(f64x2.lt(v, pinf))); // NaN or ±Infinity
        bmv = f64x2.pmax(bmv, v);
      }
      let bm = max(f64x2.extract_lane(bmv, 0), f64x2.extract_lane(bmv, 1));
      let badB = v128.any_true(badb);
      if (a < nA) {
        const v = abs(load<f64>(B + ((off + <usize>a) << 3)));
        if (!(v < Infinity)) badB = true;
        if (v > bm) bm = v;
      }
      if (badB) return 1;
      if (abs(beta) * bm > big) status = 2;
    }
  }
  return status;
}

let sZ: f64 = 0;
let sY: f64 = 0;
let eb: f64 = 0;

/** Unbiased row: E = exp(z − mZ) (0 where masked), sZ = Σ E. */
function plainRow(off: usize, nA: i32, masked: i32, mZ: f64): void {
  const mv = f64x2.splat(mZ);
  let acc = f64x2.splat(0);
  let a = 0;
  for (; a + 1 < nA; a += 2) {
    const j = off + <usize>a;
    let ez = expPair(f64x2.sub(v128.load(Z + (j << 3)), mv));
    if (masked) ez = v128.and(ez, legalPair(MASK + j));
    v128.store(E + (<usize>a << 3), ez);
    acc = f64x2.add(acc, ez);
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (a < nA) {
    const j = off + <usize>a;
    const ez = masked && load<u8>(MASK + j) == 0 ? 0.0 : expOne(load<f64>(Z + (j << 3)) - mZ);
    store<f64>(E + (<usize>a << 3), ez);
    s += ez;
  }
  sZ = s;
}

/**
 * Biased row from the memo: E = exp(z − mZ)·w, sZ = Σ exp(z − mZ), sY = Σ E, eb = Σ E·βb.
 * Returns false when some memo key differs from β·b (the sums are then wrong).
 */
function biasedRow(off: usize, nA: i32, masked: i32, mZ: f64, beta: f64): bool {
  const mv = f64x2.splat(mZ);
  const bv = f64x2.splat(beta);
  let aZ = f64x2.splat(0);
  let aY = f64x2.splat(0);
  let aB = f64x2.splat(0);
  let stale = i64x2.splat(0);
  let a = 0;
  for (; a + 1 < nA; a += 2) {
    const j = off + <usize>a;
    let ez = expPair(f64x2.sub(v128.load(Z + (j << 3)), mv));
    if (masked) ez = v128.and(ez, legalPair(MASK + j));
    const sb = f64x2.mul(bv, v128.load(B + (j << 3)));
    stale = v128.or(stale, f64x2.ne(v128.load(MS + (j << 3)), sb));
    const p = f64x2.mul(ez, v128.load(MW + (j << 3)));
    v128.store(E + (<usize>a << 3), p);
    aZ = f64x2.add(aZ, ez);
    aY = f64x2.add(aY, p);
    aB = f64x2.add(aB, f64x2.mul(p, sb));
  }
  let z = f64x2.extract_lane(aZ, 0) + f64x2.extract_lane(aZ, 1);
  let y = f64x2.extract_lane(aY, 0) + f64x2.extract_lane(aY, 1);
  let k = f64x2.extract_lane(aB, 0) + f64x2.extract_lane(aB, 1);
  let fresh = !v128.any_true(stale);
  if (a < nA) {
    const j = off + <usize>a;
    const ez = masked && load<u8>(MASK + j) == 0 ? 0.0 : expOne(load<f64>(Z + (j << 3)) - mZ);
    const sb = beta * load<f64>(B + (j << 3));
    if (load<f64>(MS + (j << 3)) != sb) fresh = false;
    const p = ez * load<f64>(MW + (j << 3));
    store<f64>(E + (<usize>a << 3), p);
    z += ez;
    y += p;
    k += p * sb;
  }
  sZ = z;
  sY = y;
  eb = k;
  return fresh;
}

/** Memo entries of a row whose key is not β·b get key β·b and value exp(β·b). */
function refresh(off: usize, nA: i32, beta: f64): void {
  for (let a: usize = 0; a < <usize>nA; a++) {
    const j = off + a;
    const sb = beta * load<f64>(B + (j << 3));
    if (load<f64>(MS + (j << 3)) != sb) {
      store<f64>(MS + (j << 3), sb);
      store<f64>(MW + (j << 3), Math.exp(sb));
    }
  }
}

/** Inverse CDF over E[0..n) with total s; rounding falls back to the last positive entry. */
function pick(n: i32, s: f64, u: f64): i32 {
  const target = u * s;
  let c: f64 = 0;
  let last = 0;
  for (let a = 0; a < n; a++) {
    const p = load<f64>(E + (<usize>a << 3));
    if (p > 0) {
      c += p;
      last = a;
      if (target < c) return a;
    }
  }
  return last;
}

/** One action per agent (after a successful scan): writes ACT, MU, PK, TAKEN and KL. */
export function act(nAg: i32, nA: i32, masked: i32, beta: f64): void {
  for (let i = 0; i < nAg; i++) {
    const off = <usize>(i * nA);
    const mZ = load<f64>(RMAX + (<usize>i << 3));
    const u = load<f64>(U + (<usize>i << 3));
    const o = <usize>i << 3;
    if (load<u8>(ROWF + <usize>i) == 0) {
      plainRow(off, nA, masked, mZ);
      const a = pick(nA, sZ, u);
      const lp = load<f64>(Z + ((off + <usize>a) << 3)) - (mZ + Math.log(sZ));
      store<i32>(ACT + (<usize>i << 2), a);
      store<f64>(MU + o, lp);
      store<f64>(PK + o, lp);
      store<f64>(TAKEN + o, 0);
      store<f64>(KL + o, 0);
      continue;
    }
    if (!biasedRow(off, nA, masked, mZ, beta)) {
      refresh(off, nA, beta);
      biasedRow(off, nA, masked, mZ, beta);
    }
    const lseZ = mZ + Math.log(sZ);
    const lseY = mZ + Math.log(sY);
    const a = pick(nA, sY, u);
    const za = load<f64>(Z + ((off + <usize>a) << 3));
    const taken = beta * load<f64>(B + ((off + <usize>a) << 3));
    store<i32>(ACT + (<usize>i << 2), a);
    store<f64>(MU + o, za + taken - lseY);
    store<f64>(PK + o, za - lseZ);
    store<f64>(TAKEN + o, taken);
    store<f64>(KL + o, max(0.0, eb / sY - (lseY - lseZ)));
  }
}
