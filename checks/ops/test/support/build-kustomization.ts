/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are untyped YAML here */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import YAML from 'yaml';
import { root } from './workspace';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: any };
  spec?: any;
  [k: string]: any;
}

/** The kustomizations a user applies (README: `kubectl apply -k <dir>`), repository-relative. */
export const KUSTOMIZATIONS = ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/ha'];

/** What `kubectl apply -k <dir>` would send: `kubectl kustomize <dir>` (kustomize built into kubectl). */
export function buildKustomization(dir: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', path.join(root, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('kubectl not found: see the README (Development) for installing it');
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return YAML.parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The workloads of a build and the pod template each runs (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function podTemplatesOf(objects: K8sObject[]): { workload: K8sObject; template: any }[] {
  return objects.flatMap((o) => {
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
      return [{ workload: o, template: o.spec.template }];
    if (o.kind === 'CronJob') return [{ workload: o, template: o.spec.jobTemplate.spec.template }];
    return [];
  });
}

/** Validates objects against their Kubernetes API schemas (scripts/validate-kubernetes.mjs, kubernetes-models). */
export function validateObjects(objects: unknown[]): { kind: string; name: string; errors: string[] }[] {
  try {
    return JSON.parse(
      execFileSync(process.execPath, [path.join(root, 'checks/ops/scripts/validate-kubernetes.mjs')], {
        input: JSON.stringify(objects),
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    ) as { kind: string; name: string; errors: string[] }[];
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    // Exit 1 with a JSON report: some objects are invalid (the caller looks at which).
    if (e.status === 1 && e.stdout)
      return JSON.parse(e.stdout) as { kind: string; name: string; errors: string[] }[];
    throw new Error(`validate-kubernetes.mjs failed: ${e.stderr ?? String(err)}`);
  }
}
