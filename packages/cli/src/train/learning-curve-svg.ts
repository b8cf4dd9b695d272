// A dependency-free SVG learning curve: episodic return (faint dots) and the mean of the last
// 100 episodes (line) against env steps, with an optional "solved" threshold line.
// Must not: read or write files.

export interface CurvePoint {
  /** Env steps when the episode finished. */
  readonly step: number;
  /** Episodic return. */
  readonly ret: number;
}

const W = 720;
const H = 400;
const M = { l: 64, r: 20, t: 36, b: 48 };

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Render the curve; `threshold` draws a dashed line (e.g. 475 for CartPole-v1). */
export function learningCurveSvg(points: readonly CurvePoint[], opts: { title: string; threshold?: number; maxDots?: number }): string {
  const xMax = niceMax(points.reduce((m, p) => Math.max(m, p.step), 0));
  const yTop = Math.max(
    opts.threshold ?? 0,
    points.reduce((m, p) => Math.max(m, p.ret), 0),
  );
  const yMin = Math.min(
    0,
    points.reduce((m, p) => Math.min(m, p.ret), 0),
  );
  const yMax = niceMax(yTop - yMin) + yMin;
  const x = (s: number): number => M.l + ((W - M.l - M.r) * s) / xMax;
  const y = (r: number): number => H - M.b - ((H - M.t - M.b) * (r - yMin)) / (yMax - yMin || 1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = yMin + ((yMax - yMin) * i) / 5;
    parts.push(`<line x1="${x(xv).toFixed(1)}" y1="${M.t}" x2="${x(xv).toFixed(1)}" y2="${H - M.b}" stroke="#eee"/>`);
    parts.push(`<line x1="${M.l}" y1="${y(yv).toFixed(1)}" x2="${W - M.r}" y2="${y(yv).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${x(xv).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle">${Number(xv.toPrecision(3))}</text>`);
    parts.push(`<text x="${M.l - 6}" y="${(y(yv) + 4).toFixed(1)}" text-anchor="end">${Number(yv.toPrecision(3))}</text>`);
  }
  parts.push(`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="black"/>`);
  parts.push(`<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="black"/>`);
  parts.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 10}" text-anchor="middle">env steps</text>`);
  parts.push(`<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">episodic return</text>`);
  if (opts.threshold !== undefined) {
    parts.push(
      `<line x1="${M.l}" y1="${y(opts.threshold).toFixed(1)}" x2="${W - M.r}" y2="${y(opts.threshold).toFixed(1)}" stroke="#2a2" stroke-dasharray="6 4"/>`,
    );
  }
  const stride = Math.max(1, Math.ceil(points.length / (opts.maxDots ?? 2000)));
  for (let i = 0; i < points.length; i += stride) {
    const p = points[i]!;
    parts.push(`<circle cx="${x(p.step).toFixed(1)}" cy="${y(p.ret).toFixed(1)}" r="1.5" fill="#8ab" fill-opacity="0.5"/>`);
  }
  // Mean of the last 100 episodes
  const line: string[] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]!.ret;
    if (i >= 100) sum -= points[i - 100]!.ret;
    if (i % stride === 0 || i === points.length - 1) line.push(`${x(points[i]!.step).toFixed(1)},${y(sum / Math.min(i + 1, 100)).toFixed(1)}`);
  }
  if (line.length > 0) parts.push(`<polyline points="${line.join(' ')}" fill="none" stroke="#c33" stroke-width="2"/>`);
  parts.push(`<text x="${W - M.r}" y="${M.t - 6}" text-anchor="end" fill="#c33">mean of last 100 episodes</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
