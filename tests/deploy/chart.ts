// Helpers of the chart tests: find helm and kubernetes-validate (installed by scripts/setup.sh into
// .tools/bin, or HELM_BIN / KUBERNETES_VALIDATE_BIN), render k8s/ala with given values and parse
// the manifests. A missing tool is an error that says how to install it, never a skipped test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO } from './processes';

export const CHART = path.join(REPO, 'k8s', 'ala');
export const KUBE_VERSION = '1.33.0';

function tool(envVar: string, name: string, script: string): string {
  const bin = process.env[envVar] ?? path.join(REPO, '.tools', 'bin', name);
  if (!existsSync(bin)) throw new Error(`${name} not found at ${bin}: run bash scripts/${script} (or set ${envVar})`);
  return bin;
}

export const helmBin = (): string => tool('HELM_BIN', 'helm', 'install-helm.sh');
export const kubernetesValidateBin = (): string => tool('KUBERNETES_VALIDATE_BIN', 'kubernetes-validate', 'install-kubernetes-validate.sh');

/** A rendered Kubernetes object (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export interface RenderResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `helm <args>` (no throw: the status is returned). */
export function helm(args: readonly string[]): RenderResult {
  const r = spawnSync(helmBin(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template <release> k8s/ala` with values files (relative to the chart) and extra args. */
export function template(release: string, valuesFiles: readonly string[], extra: readonly string[] = []): RenderResult {
  return helm(['template', release, CHART, '--kube-version', KUBE_VERSION, ...valuesFiles.flatMap((f) => ['-f', path.join(CHART, f)]), ...extra]);
}

/** Renders and parses; throws with helm's message when rendering fails. */
export function render(release: string, valuesFiles: readonly string[], extra: readonly string[] = []): K8sObject[] {
  const r = template(release, valuesFiles, extra);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Runs kubernetes-validate --strict on manifests; returns its status and output. */
export function validate(manifests: string): RenderResult {
  const r = spawnSync(kubernetesValidateBin(), ['--strict', '-k', KUBE_VERSION, '-'], { input: manifests, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
