/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are untyped YAML here */

/** The merge keys Kubernetes uses for the lists our manifests patch; other lists are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A strategic merge patch as kustomize applies it, for the subset the HA overlay uses: maps merge,
 * `null` deletes a key, lists with a merge key merge by it (`$patch: delete` removes an entry),
 * other lists are replaced. (kubectl kustomize is not available where the tests run.)
 */
export function applyStrategicMerge(base: any, patch: any, key?: string): any {
  if (Array.isArray(patch) && Array.isArray(base) && key && MERGE_KEYS[key]) {
    const mk = MERGE_KEYS[key];
    const out = base.map((x) => structuredClone(x));
    for (const item of patch) {
      const i = out.findIndex((x) => x[mk] === item[mk]);
      if (item.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = applyStrategicMerge(out[i], item);
      else out.push(item);
    }
    return out;
  }
  if (!isObject(patch) || !isObject(base)) return structuredClone(patch);
  const out: Record<string, any> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (v === null) delete out[k];
    else out[k] = k in out ? applyStrategicMerge(out[k], v, k) : structuredClone(v);
  }
  return out;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  stringData?: Record<string, string>;
  $patch?: string;
}

/** How many `$patch` directives a patch object holds (kustomize honours only one per object). */
function countDirectives(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countDirectives(v), 0);
  if (!isObject(value)) return 0;
  return Object.entries(value).reduce((n, [k, v]) => n + (k === '$patch' ? 1 : countDirectives(v)), 0);
}

/** The base objects with the overlay's patches applied (matched by kind and name; `$patch: delete` removes). */
export function applyOverlay(base: K8sObject[], patches: K8sObject[]): K8sObject[] {
  let out = base.map((o) => structuredClone(o));
  for (const patch of patches) {
    if (countDirectives(patch) > 1)
      throw new Error(`patch for ${patch.kind}/${patch.metadata.name} has more than one $patch directive`);
    const i = out.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    if (i < 0) throw new Error(`patch for ${patch.kind}/${patch.metadata.name} matches nothing in the base`);
    if (patch.$patch === 'delete') out = out.filter((_, j) => j !== i);
    else out[i] = applyStrategicMerge(out[i], patch) as K8sObject;
  }
  return out;
}
