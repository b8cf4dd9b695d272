// AssemblyScript source of the learner's WebAssembly kernel: the actor-critic MLP's forward and
// backward passes, the PPO head (losses, their gradients and stats) and torch's Adam with a global
// grad-norm clip, in f32x4 SIMD (see ../src/mlp-kernel.ts, which owns the memory layout and
// orchestrates the layers, and ../README.md for why it exists).
// Compiled by `npm run build:wasm` (scripts/build-wasm.mjs) into ../src/mlp-kernel-wasm.ts.
// Matrices are f32, row-major; every pointer is a byte offset the caller chose.
// Must not: allocate, import anything, or write outside the regions it is given.

// exp(x) for x <= 0 on four lanes: x = n ln2 + r, |r| <= ln2/2, e^r by a degree-6 Taylor
// polynomial (relative error < 2e-7), 2^n built from bits; x < -87 gives 0.
// @ts-ignore: decorator
@inline function expNeg4(x: v128): v128 {
  const xc = f32x4.max(x, f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.4426950408889634)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693145751953125))), f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.add(f32x4.mul(r, f32x4.splat(1.0 / 720)), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const y = f32x4.mul(p, scale);
  return v128.and(y, f32x4.gt(x, f32x4.splat(-87.0)));
}

// tanh(z) = sign(z) (1 − e) / (1 + e), e = exp(−2|z|) (absolute error ~1e-7).
// @ts-ignore: decorator
@inline function tanh4(z: v128): v128 {
  const e = expNeg4(f32x4.mul(f32x4.abs(z), f32x4.splat(-2.0)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  return v128.or(t, v128.and(z, i32x4.splat(0x80000000))); // copy the sign of z
}

// @ts-ignore: decorator
@inline function tanh1(z: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(z)), 0);
}

/** c[m,n] = a[m,k] b[k,n] (+ bias[n] when bias != 0), then tanh when act != 0. */
export function matmul(a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32, act: i32): void {
  const n16 = n & ~15;
  const rowB = (<usize>n) << 2;
  let i = 0;
  // Two rows at a time over 16-column blocks: each row of b is loaded once for both
  for (; i + 1 < m; i += 2) {
    const ar = a + ((<usize>(i * k)) << 2);
    const ar2 = ar + ((<usize>k) << 2);
    const cr = c + ((<usize>(i * n)) << 2);
    for (let j = 0; j < n16; j += 16) {
      let c0 = f32x4.splat(0);
      let c1 = f32x4.splat(0);
      let c2 = f32x4.splat(0);
      let c3 = f32x4.splat(0);
      let d0 = f32x4.splat(0);
      let d1 = f32x4.splat(0);
      let d2 = f32x4.splat(0);
      let d3 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let p = 0; p < k; p++) {
        const x = f32x4.splat(load<f32>(ar + ((<usize>p) << 2)));
        const y = f32x4.splat(load<f32>(ar2 + ((<usize>p) << 2)));
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const b2 = v128.load(bp, 32);
        const b3 = v128.load(bp, 48);
        c0 = f32x4.add(c0, f32x4.mul(x, b0));
        c1 = f32x4.add(c1, f32x4.mul(x, b1));
        c2 = f32x4.add(c2, f32x4.mul(x, b2));
        c3 = f32x4.add(c3, f32x4.mul(x, b3));
        d0 = f32x4.add(d0, f32x4.mul(y, b0));
        d1 = f32x4.add(d1, f32x4.mul(y, b1));
        d2 = f32x4.add(d2, f32x4.mul(y, b2));
        d3 = f32x4.add(d3, f32x4.mul(y, b3));
        bp += rowB;
      }
      if (bias != 0) {
        const bb = bias + ((<usize>j) << 2);
        c0 = f32x4.add(c0, v128.load(bb));
        c1 = f32x4.add(c1, v128.load(bb, 16));
        c2 = f32x4.add(c2, v128.load(bb, 32));
        c3 = f32x4.add(c3, v128.load(bb, 48));
        d0 = f32x4.add(d0, v128.load(bb));
        d1 = f32x4.add(d1, v128.load(bb, 16));
        d2 = f32x4.add(d2, v128.load(bb, 32));
        d3 = f32x4.add(d3, v128.load(bb, 48));
      }
      if (act != 0) {
        c0 = tanh4(c0);
        c1 = tanh4(c1);
        c2 = tanh4(c2);
        c3 = tanh4(c3);
        d0 = tanh4(d0);
        d1 = tanh4(d1);
        d2 = tanh4(d2);
        d3 = tanh4(d3);
      }
      const cp = cr + ((<usize>j) << 2);
      const dp = cp + rowB;
      v128.store(cp, c0);
      v128.store(cp, c1, 16);
      v128.store(cp, c2, 32);
      v128.store(cp, c3, 48);
      v128.store(dp, d0);
      v128.store(dp, d1, 16);
      v128.store(dp, d2, 32);
      v128.store(dp, d3, 48);
    }
    matmulRow(ar, b, bias, cr, k, n, act, n16);
    matmulRow(ar2, b, bias, cr + rowB, k, n, act, n16);
  }
  if (i < m) matmulRow(a + ((<usize>(i * k)) << 2), b, bias, c + ((<usize>(i * n)) << 2), k, n, act, 0);
}

// One row of matmul from column j0 on: 16-column blocks, then 4-column blocks, then single columns.
// @ts-ignore: decorator
@inline function matmulRow(ar: usize, b: usize, bias: usize, cr: usize, k: i32, n: i32, act: i32, j0: i32): void {
  const n16 = n & ~15;
  const n4 = n & ~3;
  const rowB = (<usize>n) << 2;
  let j = j0;
  for (; j < n16; j += 16) {
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let c2 = f32x4.splat(0);
    let c3 = f32x4.splat(0);
    let bp = b + ((<usize>j) << 2);
    for (let p = 0; p < k; p++) {
      const x = f32x4.splat(load<f32>(ar + ((<usize>p) << 2)));
      c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
      c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
      c2 = f32x4.add(c2, f32x4.mul(x, v128.load(bp, 32)));
      c3 = f32x4.add(c3, f32x4.mul(x, v128.load(bp, 48)));
      bp += rowB;
    }
    if (bias != 0) {
      const bb = bias + ((<usize>j) << 2);
      c0 = f32x4.add(c0, v128.load(bb));
      c1 = f32x4.add(c1, v128.load(bb, 16));
      c2 = f32x4.add(c2, v128.load(bb, 32));
      c3 = f32x4.add(c3, v128.load(bb, 48));
    }
    if (act != 0) {
      c0 = tanh4(c0);
      c1 = tanh4(c1);
      c2 = tanh4(c2);
      c3 = tanh4(c3);
    }
    const cp = cr + ((<usize>j) << 2);
    v128.store(cp, c0);
    v128.store(cp, c1, 16);
    v128.store(cp, c2, 32);
    v128.store(cp, c3, 48);
  }
  for (; j < n4; j += 4) {
    let c0 = f32x4.splat(0);
    let bp = b + ((<usize>j) << 2);
    for (let p = 0; p < k; p++) {
      c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(ar + ((<usize>p) << 2))), v128.load(bp)));
      bp += rowB;
    }
    if (bias != 0) c0 = f32x4.add(c0, v128.load(bias + ((<usize>j) << 2)));
    if (act != 0) c0 = tanh4(c0);
    v128.store(cr + ((<usize>j) << 2), c0);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let bp = b + ((<usize>j) << 2);
    for (let p = 0; p < k; p++) {
      s += load<f32>(ar + ((<usize>p) << 2)) * load<f32>(bp);
      bp += rowB;
    }
    if (bias != 0) s += load<f32>(bias + ((<usize>j) << 2));
    if (act != 0) s = tanh1(s);
    store<f32>(cr + ((<usize>j) << 2), s);
  }
}

/** dst[cols,rows] = src[rows,cols]ᵀ. */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const sr = src + ((<usize>(i * cols)) << 2);
    for (let j = 0; j < cols; j++) store<f32>(dst + ((<usize>(j * rows + i)) << 2), load<f32>(sr + ((<usize>j) << 2)));
  }
}

/** dst[n] = Σ_i src[i, :] (rows summed in order). */
export function colsum(src: usize, dst: usize, m: i32, n: i32): void {
  for (let j = 0; j < n; j++) store<f32>(dst + ((<usize>j) << 2), 0);
  for (let i = 0; i < m; i++) {
    const sr = src + ((<usize>(i * n)) << 2);
    for (let j = 0; j < n; j++) {
      const d = dst + ((<usize>j) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(sr + ((<usize>j) << 2)));
    }
  }
}

/** d[i] *= 1 − h[i]² for i < len (the tanh derivative applied to an upstream gradient). */
export function tanhBackward(d: usize, h: usize, len: i32): void {
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = (<usize>i) << 2;
    const hv = v128.load(h + o);
    v128.store(d + o, f32x4.mul(v128.load(d + o), f32x4.sub(f32x4.splat(1.0), f32x4.mul(hv, hv))));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const hv = load<f32>(h + o);
    store<f32>(d + o, load<f32>(d + o) * (1 - hv * hv));
  }
}

/**
 * The PPO loss of one minibatch of n samples and its gradients with respect to the logits and
 * values (CleanRL ppo.py; the learner's ppo-loss.ts is the TF.js statement of the same loss):
 *   loss = mean(w · max(−Â r, −Â clip(r, 1−ε, 1+ε))) − entCoef · mean(H(π)) + vfCoef · valueLoss,
 *   r = exp(log π(a) − logpRef), valueLoss = 0.5 mean((V − R)²) or its clipped form.
 * Â is normalised (unbiased std, as torch) when normAdv != 0 and n > 1. Illegal actions (legal
 * byte 0, when legal != 0) get logit − 1e9. Writes dz [n, nA], dv [n] and 7 f64 stats
 * (loss, policyLoss, valueLoss, entropy, oldApproxKl, approxKl, clipFrac) at `stats`.
 * Ties follow TF.js: max(a, b) passes the gradient to a when a >= b; clip passes it at the bounds.
 */
export function ppoHead(
  n: i32, nA: i32, z: usize, v: usize, act: usize, adv: usize, ret: usize, vold: usize, logpRef: usize, w: usize, legal: usize,
  normAdv: i32, clipCoef: f64, clipVloss: i32, entCoef: f64, vfCoef: f64, dz: usize, dv: usize, stats: usize,
): void {
  let mean: f64 = 0;
  let inv: f64 = 1;
  if (normAdv != 0 && n > 1) {
    for (let i = 0; i < n; i++) mean += <f64>load<f32>(adv + ((<usize>i) << 2));
    mean /= n;
    let ss: f64 = 0;
    for (let i = 0; i < n; i++) {
      const d = <f64>load<f32>(adv + ((<usize>i) << 2)) - mean;
      ss += d * d;
    }
    inv = 1.0 / (Math.sqrt(ss / (n - 1)) + 1e-8);
  }
  const invN: f64 = 1.0 / n;
  let pgSum: f64 = 0, vSum: f64 = 0, entSum: f64 = 0, k1Sum: f64 = 0, k3Sum: f64 = 0, clipSum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = z + ((<usize>(i * nA)) << 2);
    const lrow = legal + <usize>(i * nA);
    const drow = dz + ((<usize>(i * nA)) << 2);
    // log-softmax of the (masked) logits
    let mx: f64 = -Infinity;
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      if (zj > mx) mx = zj;
    }
    let se: f64 = 0;
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      se += Math.exp(zj - mx);
    }
    const lse = mx + Math.log(se);
    let h: f64 = 0;
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      const lp = zj - lse;
      const p = Math.exp(lp);
      h -= p * lp;
    }
    const a = load<i32>(act + ((<usize>i) << 2));
    let za = <f64>load<f32>(row + ((<usize>a) << 2));
    if (legal != 0 && load<u8>(lrow + a) == 0) za -= 1e9;
    const newLogp = za - lse;
    // Policy loss: clipped surrogate times the detached IS weight
    const A = (<f64>load<f32>(adv + ((<usize>i) << 2)) - mean) * inv;
    const wi = <f64>load<f32>(w + ((<usize>i) << 2));
    const logratio = newLogp - <f64>load<f32>(logpRef + ((<usize>i) << 2));
    const r = Math.exp(logratio);
    const rc = Math.min(Math.max(r, 1 - clipCoef), 1 + clipCoef);
    const pg1 = -A * r;
    const pg2 = -A * rc;
    const inside = r >= 1 - clipCoef && r <= 1 + clipCoef;
    pgSum += wi * Math.max(pg1, pg2);
    // d(policy loss)/d(log π(a)): through pg1 when it is the max, else through the clip (0 outside)
    const gLogp = (pg1 >= pg2 ? wi * pg1 : inside ? wi * pg2 : 0) * invN;
    // d/dz_j: log π(a) gives onehot − p; the entropy bonus −entCoef·H/n gives +entCoef/n · p_j (log p_j + H)
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      const lp = zj - lse;
      const p = Math.exp(lp);
      const g = gLogp * ((j == a ? 1.0 : 0.0) - p) + (p == 0 ? 0 : entCoef * invN * p * (lp + h));
      store<f32>(drow + ((<usize>j) << 2), <f32>g);
    }
    entSum += h;
    // Value loss
    const vi = <f64>load<f32>(v + ((<usize>i) << 2));
    const R = <f64>load<f32>(ret + ((<usize>i) << 2));
    let gv: f64;
    if (clipVloss != 0) {
      const vo = <f64>load<f32>(vold + ((<usize>i) << 2));
      const dvo = vi - vo;
      const vc = vo + Math.min(Math.max(dvo, -clipCoef), clipCoef);
      const unc = (vi - R) * (vi - R);
      const cl = (vc - R) * (vc - R);
      vSum += Math.max(unc, cl);
      gv = unc >= cl ? 2 * (vi - R) : dvo >= -clipCoef && dvo <= clipCoef ? 2 * (vc - R) : 0;
    } else {
      vSum += (vi - R) * (vi - R);
      gv = 2 * (vi - R);
    }
    store<f32>(dv + ((<usize>i) << 2), <f32>(vfCoef * 0.5 * invN * gv));
    // Diagnostics: k1 = −log r, k3 = (r − 1) − log r, clip fraction
    k1Sum -= logratio;
    k3Sum += r - 1 - logratio;
    if (Math.abs(r - 1) > clipCoef) clipSum += 1;
  }
  const policyLoss = pgSum * invN;
  const valueLoss = 0.5 * vSum * invN;
  const entropy = entSum * invN;
  store<f64>(stats, policyLoss - entCoef * entropy + vfCoef * valueLoss);
  store<f64>(stats, policyLoss, 8);
  store<f64>(stats, valueLoss, 16);
  store<f64>(stats, entropy, 24);
  store<f64>(stats, k1Sum * invN, 32);
  store<f64>(stats, k3Sum * invN, 40);
  store<f64>(stats, clipSum * invN, 48);
}

/** log π(a_i) of n samples from logits z [n, nA] (legal as in ppoHead), written as f32 at out. */
export function logProbs(n: i32, nA: i32, z: usize, act: usize, legal: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    const row = z + ((<usize>(i * nA)) << 2);
    const lrow = legal + <usize>(i * nA);
    let mx: f64 = -Infinity;
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      if (zj > mx) mx = zj;
    }
    let se: f64 = 0;
    for (let j = 0; j < nA; j++) {
      let zj = <f64>load<f32>(row + ((<usize>j) << 2));
      if (legal != 0 && load<u8>(lrow + j) == 0) zj -= 1e9;
      se += Math.exp(zj - mx);
    }
    const a = load<i32>(act + ((<usize>i) << 2));
    let za = <f64>load<f32>(row + ((<usize>a) << 2));
    if (legal != 0 && load<u8>(lrow + a) == 0) za -= 1e9;
    store<f32>(out + ((<usize>i) << 2), <f32>(za - mx - Math.log(se)));
  }
}

/**
 * Global grad-norm clip (torch clip_grad_norm_: g · min(1, maxNorm / (‖g‖ + 1e-6))) then one
 * torch Adam step over len parameters: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * θ ← θ − stepSize · m / (√v / bc2Sqrt + eps), stepSize = lr / (1 − β1^t). Returns ‖g‖ before clipping.
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, len: i32, maxNorm: f64, beta1: f32, beta2: f32, eps: f32, stepSize: f32, bc2Sqrt: f32): f64 {
  let ss: f64 = 0;
  for (let i = 0; i < len; i++) {
    const x = <f64>load<f32>(g + ((<usize>i) << 2));
    ss += x * x;
  }
  const norm = Math.sqrt(ss);
  const scale = <f32>Math.min(1.0, maxNorm / (norm + 1e-6));
  const len4 = len & ~3;
  const b1 = f32x4.splat(beta1);
  const b1c = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2);
  const b2c = f32x4.splat(1 - beta2);
  const sc = f32x4.splat(scale);
  const ss4 = f32x4.splat(stepSize);
  const bc = f32x4.splat(bc2Sqrt);
  const ep = f32x4.splat(eps);
  let i = 0;
  for (; i < len4; i += 4) {
    const o = (<usize>i) << 2;
    const gi = f32x4.mul(v128.load(g + o), sc);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gi, b1c));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), b2c));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc), ep);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mi, denom), ss4)));
  }
  for (; i < len; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o) * scale;
    const mi = load<f32>(m + o) * beta1 + gi * (1 - beta1);
    const vi = load<f32>(v + o) * beta2 + gi * gi * (1 - beta2);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - (mi / (Mathf.sqrt(vi) / bc2Sqrt + eps)) * stepSize);
  }
  return norm;
}
