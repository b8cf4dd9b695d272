// Figures as SVG through Vega-Lite (compiled to Vega, rendered headless with renderer 'none', no
// browser): learning curves with a 95 % confidence band per series, and a parameter sweep with
// error bars. Used by the results report and by `ala up` for its curve.svg.
// Must not: read or write files, or compute statistics (callers pass means and intervals).
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** One point of a series: mean and 95 % interval bounds (lo = hi = y without an interval). */
export interface BandPoint {
  readonly series: string;
  readonly x: number;
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
}

export interface ChartText {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  /** Log scale on x (latency sweeps). */
  readonly xLog?: boolean;
  /** Horizontal reference lines (e.g. a baseline, a solved threshold). */
  readonly rules?: readonly { readonly y: number; readonly label: string }[];
}

async function render(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One colour per series, legend below the plot with full labels. */
const COLOR = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 320 } };

const finite = (p: BandPoint): BandPoint => ({ ...p, lo: Number.isFinite(p.lo) ? p.lo : p.y, hi: Number.isFinite(p.hi) ? p.hi : p.y });

function ruleLayer(t: ChartText): object[] {
  if (!t.rules || t.rules.length === 0) return [];
  return [
    {
      data: { values: t.rules.map((r) => ({ y: r.y, label: r.label })) },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
          encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
        },
      ],
    },
  ];
}

/** Mean line and shaded 95 % band per series against x. */
export function bandChartSvg(points: readonly BandPoint[], t: ChartText): Promise<string> {
  const x = { field: 'x', type: 'quantitative', title: t.x, ...(t.xLog ? { scale: { type: 'log' } } : {}) };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: t.title,
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: points.map(finite) },
        layer: [
          {
            mark: { type: 'area', opacity: 0.18 },
            encoding: {
              x,
              y: { field: 'lo', type: 'quantitative', title: t.y, scale: { zero: false } },
              y2: { field: 'hi' },
              color: COLOR,
            },
          },
          {
            mark: { type: 'line', point: points.length < 40 },
            encoding: { x, y: { field: 'y', type: 'quantitative' }, color: COLOR },
          },
        ],
      },
      ...ruleLayer(t),
    ],
  } as unknown as vl.TopLevelSpec;
  return render(spec);
}

/** Means with 95 % error bars at each x, one colour per series (parameter sweeps). */
export function sweepChartSvg(points: readonly BandPoint[], t: ChartText): Promise<string> {
  const x = { field: 'x', type: 'quantitative', title: t.x, ...(t.xLog ? { scale: { type: 'log' } } : {}) };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: t.title,
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: points.map(finite) },
        layer: [
          {
            mark: 'errorbar',
            encoding: {
              x,
              y: { field: 'lo', type: 'quantitative', title: t.y, scale: { zero: false } },
              y2: { field: 'hi' },
              color: COLOR,
            },
          },
          {
            mark: { type: 'line', point: true },
            encoding: { x, y: { field: 'y', type: 'quantitative' }, color: COLOR },
          },
        ],
      },
      ...ruleLayer(t),
    ],
  } as unknown as vl.TopLevelSpec;
  return render(spec);
}

/** A single learning curve (episodic return against env steps, and its running mean), e.g. `ala up`'s curve.svg. */
export function learningCurveSvg(points: readonly { step: number; ret?: number; mean?: number }[], title: string, threshold?: number): Promise<string> {
  const series: BandPoint[] = [];
  for (const p of points) {
    if (p.ret !== undefined) series.push({ series: 'episode return', x: p.step, y: p.ret, lo: p.ret, hi: p.ret });
    if (p.mean !== undefined) series.push({ series: 'mean of last 100', x: p.step, y: p.mean, lo: p.mean, hi: p.mean });
  }
  return bandChartSvg(series, { title, x: 'env steps', y: 'return', ...(threshold !== undefined ? { rules: [{ y: threshold, label: 'solved' }] } : {}) });
}
