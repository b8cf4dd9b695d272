// What a benchmark result needs to say about the machine it ran on: `uptime` load, CPU model and
// count, versions of the packages measured, and CPU seconds (whole machine from /proc/stat, one
// process from /proc/<pid>/stat) so a bench can report how busy the box and each process were.
// Must not: measure anything itself or start processes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..');

export interface MachineLoad {
  /** `uptime` as printed (load averages over 1, 5, 15 min). */
  uptime: string;
  loadavg: number[];
  cpus: number;
  cpuModel: string;
}

export function machineLoad(): MachineLoad {
  let uptime: string;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch (err) {
    uptime = `uptime failed: ${(err as Error).message}`;
  }
  return { uptime, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '' };
}

/** The version in node_modules/<name>/package.json (the one resolved from the repo root). */
export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** CPU seconds (user + system) of the whole machine, all cores, and the machine's wall clock seconds x cores. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const first = readFileSync('/proc/stat', 'utf8').split('\n')[0]!; // cpu  user nice system idle iowait irq softirq steal ...
  const f = first.trim().split(/\s+/).slice(1).map(Number);
  const hz = 100; // USER_HZ, 100 on Linux x86-64 and arm64
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / hz, total: total / hz };
}

/** CPU seconds (user + system) used so far by process `pid`; undefined when it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return (Number(rest[11]) + Number(rest[12])) / 100; // utime (14) + stime (15), USER_HZ ticks
  } catch {
    return undefined;
  }
}
