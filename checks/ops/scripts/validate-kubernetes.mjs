// Validates Kubernetes objects against the schemas of their API versions, with the typed models
// of kubernetes-models (Kubernetes' own OpenAPI definitions compiled to validators) and
// @kubernetes-models/prometheus-operator for the Prometheus Operator's resources.
//   kubectl kustomize deploy/kubernetes/base -o json | node checks/ops/scripts/validate-kubernetes.mjs
// Reads one object, a List or an array of objects (JSON) on stdin and prints a JSON array with one
// entry per object: { apiVersion, kind, name, errors } (errors empty when it is valid). Exits 1 when
// any object is invalid or has no known schema. An ES module because the models are ES modules only.
const MODEL_PACKAGES = [
  { match: (group) => group === 'monitoring.coreos.com', pkg: '@kubernetes-models/prometheus-operator' },
  { match: () => true, pkg: 'kubernetes-models' },
];

async function loadModel(apiVersion, kind) {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const { pkg } = MODEL_PACKAGES.find((p) => p.match(group));
  try {
    const mod = await import(`${pkg}/${apiVersion}/${kind}`);
    return mod[kind];
  } catch (err) {
    if (err?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || err?.code === 'ERR_MODULE_NOT_FOUND')
      return undefined;
    throw err;
  }
}

async function validateObject(obj) {
  const { apiVersion = '', kind = '', metadata = {} } = obj ?? {};
  const entry = { apiVersion, kind, name: metadata.name ?? '', errors: [] };
  const Model =
    /^[\w.-]*\/?v\w+$/.test(apiVersion) && /^\w+$/.test(kind) ? await loadModel(apiVersion, kind) : undefined;
  if (!Model) {
    entry.errors.push(`no schema known for ${apiVersion} ${kind}`);
    return entry;
  }
  try {
    new Model(obj).validate();
  } catch (err) {
    const details = Array.isArray(err?.errors)
      ? err.errors.map(
          (e) =>
            `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`,
        )
      : [String(err?.message ?? err)];
    entry.errors.push(...details);
  }
  return entry;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const parsed = JSON.parse(input);
const objects = Array.isArray(parsed) ? parsed : parsed.kind === 'List' ? parsed.items : [parsed];
const results = [];
for (const obj of objects) results.push(await validateObject(obj));
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = results.some((r) => r.errors.length) ? 1 : 0;
