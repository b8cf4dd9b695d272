// The Math functions and Infinity that rl-core's hot loops use, for each module to bind once at
// load (`const { exp, INF } = hotMath;`). Why: inside jest's vm sandbox each global lookup
// (`Math.exp`, `Infinity`) costs ~40x a local one (measured 401 vs 10 ns per element), and calling
// an imported binding directly goes through a getter per call under tsx/esbuild (logSoftmax 3.4x
// slower, measured); a module-local const costs neither. Must not: hold anything but these bindings.
export const hotMath = {
  abs: Math.abs,
  cos: Math.cos,
  exp: Math.exp,
  expm1: Math.expm1,
  floor: Math.floor,
  imul: Math.imul,
  log: Math.log,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
  sqrt: Math.sqrt,
  INF: Infinity,
} as const;
