/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are untyped YAML here */
/**
 * What `kubectl apply -k` sends for the base and every overlay (`kubectl kustomize`, the kustomize
 * built into kubectl): each object valid for its API version (kubernetes-models' schemas), every
 * workload locked down (non-root, read-only root, no privilege escalation, no capabilities,
 * RuntimeDefault seccomp) and covered by a NetworkPolicy that lets in only the ingress
 * controller, Prometheus and the suite's own pods, and Ingresses with TLS that route only the
 * public paths (SPEC, Running it).
 */
import {
  buildKustomization,
  KUSTOMIZATIONS,
  podTemplatesOf,
  validateObjects,
  type K8sObject,
} from './support/build-kustomization';
import { privateSamplesOf, publicSamplesOf, read, SERVICES } from './support/workspace';

const builds = Object.fromEntries(KUSTOMIZATIONS.map((dir) => [dir, buildKustomization(dir)]));

it('the README and deploy/README.md apply exactly the kustomizations tested here', () => {
  const applied = (text: string) =>
    [...text.matchAll(/kubectl apply -k ([\w./-]+)/g)].map((m) => m[1]!.replace(/\/$/, ''));
  const named = [...applied(read('README.md')), ...applied(read('deploy/README.md'))];
  expect(named.length).toBeGreaterThan(0);
  for (const dir of named) expect(KUSTOMIZATIONS).toContain(dir);
  for (const dir of KUSTOMIZATIONS) expect(named).toContain(dir);
});

describe.each(KUSTOMIZATIONS)('kubectl kustomize %s', (dir) => {
  const objects = builds[dir]!;
  const workloads = podTemplatesOf(objects);

  it('builds, with the four services and the race-reporter CronJob', () => {
    const names = workloads.map((w) => `${w.workload.kind}/${w.workload.metadata.name}`).sort();
    expect(names).toEqual(
      [...Object.keys(SERVICES).map((a) => `Deployment/${a}`), 'CronJob/race-reporter'].sort(),
    );
  });

  it('yields only objects valid for their Kubernetes API version', () => {
    const report = validateObjects(objects);
    expect(report).toHaveLength(objects.length);
    expect(report.filter((r) => r.errors.length)).toEqual([]);
  });

  describe.each(workloads.map((w) => [`${w.workload.kind} ${w.workload.metadata.name}`, w] as const))(
    '%s',
    (_name, { template }) => {
      const pod = template.spec;
      const containers: any[] = [...(pod.initContainers ?? []), ...pod.containers];

      it('runs every container non-root, read-only, unprivileged, without capabilities, under RuntimeDefault seccomp', () => {
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.hostNetwork ?? false).toBe(false);
        for (const c of containers) {
          expect({ container: c.name, securityContext: c.securityContext }).toEqual({
            container: c.name,
            securityContext: {
              runAsNonRoot: true,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
          });
        }
      });

      it('has a volume for every place it writes: /tmp and each data path its settings name', () => {
        const configMaps = new Map(
          objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]),
        );
        const volumes = new Map((pod.volumes as any[]).map((v) => [v.name, v]));
        for (const c of containers) {
          const env: Record<string, string> = {};
          for (const from of c.envFrom ?? []) Object.assign(env, configMaps.get(from.configMapRef.name));
          for (const e of c.env ?? []) env[e.name] = e.value ?? '(secret)';
          const mounts = (c.volumeMounts as any[]).filter((m) => !m.readOnly);
          for (const m of c.volumeMounts) expect(volumes.has(m.name)).toBe(true);
          const writable = (p: string) =>
            mounts.some((m) => p === m.mountPath || p.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
          const dirname = (p: string) => p.replace(/\/[^/]+$/, '');
          const written = ['/tmp'];
          for (const name of ['WEBHOOK_SPOOL_DIR', 'RELEASE_DIR']) if (env[name]) written.push(env[name]);
          // race-reporter: its state and metrics files, unless PostgreSQL and the Pushgateway take them.
          if (env.RACE_REPORTER_STATE && !env.DATABASE_URL) written.push(dirname(env.RACE_REPORTER_STATE));
          if (env.RACE_REPORTER_PROJECT && !env.RACE_REPORTER_PUSHGATEWAY_URL) {
            expect(env.RACE_REPORTER_METRICS_FILE).toMatch(/^\//);
            written.push(dirname(env.RACE_REPORTER_METRICS_FILE!));
          }
          for (const p of written)
            expect({ container: c.name, path: p, writable: writable(p) }).toEqual({
              container: c.name,
              path: p,
              writable: true,
            });
        }
      });

      it('is selected by a NetworkPolicy of its namespace that restricts who may connect', () => {
        const labels = template.metadata.labels as Record<string, string>;
        const policies = objects.filter(
          (o) =>
            o.kind === 'NetworkPolicy' &&
            (o.spec.policyTypes as string[]).includes('Ingress') &&
            Object.entries(o.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
        );
        expect(policies.map((p) => p.metadata.name)).not.toEqual([]);
      });
    },
  );

  describe('the NetworkPolicy', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

    it("lets in only the ingress controller, Prometheus and the suite's own pods, on the HTTP port", () => {
      expect(policies).toHaveLength(1);
      const rules = policies[0]!.spec.ingress as any[];
      const peers = rules.flatMap((r) => {
        // A rule without `from` (or with an empty peer) would let everyone in.
        expect(r.from?.length).toBeGreaterThan(0);
        expect(r.ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
        return r.from as any[];
      });
      for (const peer of peers) {
        expect(peer.ipBlock).toBeUndefined();
        expect(Object.keys(peer.podSelector?.matchLabels ?? {}).length).toBeGreaterThan(0);
      }
      expect(peers).toEqual([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        },
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
        },
        { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'devops-suite' } } },
      ]);
    });

    it('allows the port every Service and probe uses (the containers name it http)', () => {
      for (const { template } of workloads)
        for (const c of template.spec.containers) for (const p of c.ports ?? []) expect(p.name).toBe('http');
      for (const s of objects.filter((o) => o.kind === 'Service'))
        expect(s.spec.ports[0].targetPort).toBe('http');
    });
  });

  describe.each(Object.keys(SERVICES))('Ingress %s', (app) => {
    const ingress = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === app)!;

    it('serves its host over TLS', () => {
      const hosts = (ingress.spec.rules as any[]).map((r) => r.host);
      expect(hosts).toHaveLength(1);
      expect(ingress.spec.tls).toEqual([{ hosts, secretName: expect.stringMatching(/\S/) }]);
    });

    it.each(publicSamplesOf(app))('routes %s to the service', (requestPath) => {
      expect(routeIngress(ingress, requestPath)).toBe(app);
    });

    it.each(privateSamplesOf(app))('routes %s nowhere', (requestPath) => {
      expect(routeIngress(ingress, requestPath)).toBeUndefined();
    });
  });
});

/**
 * The backend an Ingress sends a request path to, by the Ingress API's rules: `Exact` matches the
 * path as is; `Prefix` matches whole path elements (`/a` matches `/a`, `/a/` and `/a/b`, not
 * `/ab`); the longest matching path wins.
 */
function routeIngress(ingress: K8sObject, requestPath: string): string | undefined {
  const matches = (ingress.spec.rules as any[])
    .flatMap((r) => r.http.paths as any[])
    .filter((p) => {
      if (p.pathType === 'Exact') return requestPath === p.path;
      if (p.pathType === 'Prefix') {
        const prefix = (p.path as string).split('/').filter(Boolean);
        const parts = requestPath.split('/').filter(Boolean);
        return prefix.every((el, i) => parts[i] === el);
      }
      throw new Error(`pathType ${p.pathType} is implementation-specific: use Exact or Prefix`);
    })
    .sort((a, b) => b.path.length - a.path.length);
  return matches[0]?.backend.service.name;
}

describe('the routing reader (routeIngress)', () => {
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'x' },
    spec: {
      rules: [
        {
          host: 'x',
          http: {
            paths: [
              { path: '/a', pathType: 'Prefix', backend: { service: { name: 'prefix' } } },
              { path: '/b', pathType: 'Exact', backend: { service: { name: 'exact' } } },
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'all' } } },
            ],
          },
        },
      ],
    },
  };
  it.each([
    ['/a', 'prefix'],
    ['/a/', 'prefix'],
    ['/a/c', 'prefix'],
    ['/ab', 'all'],
    ['/b', 'exact'],
    ['/b/c', 'all'],
    ['/metrics', 'all'],
  ])('%s goes to %s', (p, backend) => expect(routeIngress(ingress, p)).toBe(backend));
});

describe('the schema check can fail', () => {
  const base = builds['deploy/kubernetes/base']!;
  const deployment = base.find((o) => o.kind === 'Deployment')!;
  it.each([
    ['replicas as a word', (d: any) => void (d.spec.replicas = 'two'), /spec\/replicas must be integer/],
    [
      'capabilities.drop as a string',
      (d: any) => void (d.spec.template.spec.containers[0].securityContext.capabilities.drop = 'ALL'),
      /capabilities\/drop must be array/,
    ],
    ['no selector', (d: any) => void delete d.spec.selector, /spec must have required property selector/],
    ['an unknown kind', (d: any) => void (d.kind = 'Deploymnt'), /no schema known for apps\/v1 Deploymnt/],
  ])('refuses a Deployment with %s', (_what, edit, message) => {
    const broken = structuredClone(deployment);
    edit(broken);
    const [report] = validateObjects([broken]);
    expect(report!.errors.join('\n')).toMatch(message);
  });
});
