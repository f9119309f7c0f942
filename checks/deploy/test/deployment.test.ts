/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML documents are untyped by nature */
/**
 * The deployment files must agree with each other and with SPEC: images,
 * ports, variable names, probes, volumes. Settings are read from each app's
 * own config schema, so a renamed or new setting that the deployment files
 * do not know about fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Schema } from '@devops/config';
import { loggingSettings } from '@devops/logger';

const root = path.resolve(__dirname, '../../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

// From SPEC "Common rules" and "Running it".
const SERVICES: Record<string, number> = {
  'release-api': 3001,
  'freshdesk-bridge': 3002,
  'version-check': 3003,
  'board-sync': 3004,
};
const CLIS = ['race-reporter', 'lib-tagger'];
const APPS = [...Object.keys(SERVICES), ...CLIS];

function settingsOf(app: string): Schema {
  const mod = require(path.join(root, 'apps', app, 'src/config.ts')) as {
    settings?: Schema;
    settingsFor?: (flags: Record<string, unknown>) => Schema;
  };
  const own = mod.settings ?? { ...mod.settingsFor!({ 'dry-run': true }), ...mod.settingsFor!({}) };
  return { ...own, ...loggingSettings };
}

type K8sDoc = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};
// The base's own files (the built and validated objects: checks/ops, kubernetes-manifests.test.ts).
const k8sDir = path.join(root, 'deploy/kubernetes/base');
const k8s: K8sDoc[] = fs
  .readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    YAML.parseAllDocuments(fs.readFileSync(path.join(k8sDir, f), 'utf8')).map((d) => d.toJS() as K8sDoc),
  );
const find = (kind: string, name: string) => k8s.find((d) => d.kind === kind && d.metadata.name === name);
const compose = YAML.parse(read('docker-compose.yml')) as {
  services: Record<string, any>;
  volumes: Record<string, unknown>;
};
const configMaps = k8s.filter((d) => d.kind === 'ConfigMap');
const secretExample = find('Secret', 'devops-suite-secrets')!;
/** The ConfigMaps a container reads all of (envFrom). */
const envFromOf = (container: any): Record<string, string> =>
  Object.assign(
    {},
    ...((container.envFrom ?? []) as any[]).map((f) => find('ConfigMap', f.configMapRef.name)!.data),
  );
/** SPEC, Running it: no compose service gets .env as a whole, only the settings it names. */
const NOT_PASSED = ['HOST'];

describe.each(APPS)('%s', (app) => {
  const settings = settingsOf(app);
  const secretNames = Object.entries(settings)
    .filter(([, s]) => s.secret)
    .map(([n]) => n);

  it('is in docker-compose.yml with its image, and every variable it sets is a setting of the app', () => {
    const svc = compose.services[app];
    expect(svc).toBeDefined();
    expect(svc.image).toMatch(new RegExp(`/${app}:`));
    expect(svc.build.dockerfile).toBe(`apps/${app}/Dockerfile`);
    for (const name of Object.keys(svc.environment ?? {})) {
      if (name.endsWith('_IN_CONTAINER')) continue;
      expect({ name, setting: name in settings }).toEqual({ name, setting: true });
    }
    if (CLIS.includes(app)) expect(svc.profiles).toHaveLength(1);
  });

  it('gets only its own settings in compose: no shared env_file, each of its settings named (from .env when unset here)', () => {
    const svc = compose.services[app];
    expect(svc.env_file).toBeUndefined();
    const passed = Object.keys(svc.environment ?? {}).sort();
    const own = Object.keys(settings)
      .filter((n) => !NOT_PASSED.includes(n))
      .sort();
    // A setting missing here cannot be set from .env for this service: add it, without a value.
    expect(passed).toEqual(own);
  });

  it('never inlines a secret value in compose or Kubernetes workloads', () => {
    for (const name of secretNames) {
      // Named without a value: compose takes it from .env or the shell.
      expect({ name, value: compose.services[app].environment?.[name] }).toEqual({ name, value: null });
      for (const cm of configMaps) expect(cm.data).not.toHaveProperty([name]);
    }
  });

  it('is listed in .env.example with every setting, each with a comment', () => {
    const example = read('.env.example');
    const lines = example.split('\n');
    for (const name of Object.keys(settings)) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`) || l.startsWith(`# ${name}=`));
      expect({ name, listed: i >= 0 }).toEqual({ name, listed: true });
      expect(lines[i - 1]).toMatch(/^#/);
    }
  });
});

describe.each(Object.entries(SERVICES))('service %s', (app, port) => {
  const settings = settingsOf(app);
  const svc = compose.services[app];

  it('listens on its SPEC port in compose, with a health check and a volume', () => {
    expect(svc.environment.PORT).toBe(String(port));
    expect(svc.expose).toEqual([String(port)]);
    expect(svc.healthcheck.test.join(' ')).toContain('/healthz');
    expect(svc.volumes.length).toBeGreaterThan(0);
    const [volume] = String(svc.volumes[0]).split(':');
    expect(compose.volumes).toHaveProperty([volume!]);
    expect(svc.stop_grace_period).toBe('35s');
  });

  it('is routed by host name by the reverse proxy', () => {
    const caddy = read('deploy/caddy/Caddyfile');
    const hostVar = `${app.toUpperCase().replace(/-/g, '_')}_HOST`;
    // Within the host's site block (up to its closing brace at the line start).
    expect(caddy).toMatch(
      new RegExp(`\\{\\$${hostVar}\\} \\{(?:(?!\\n\\}\\n)[\\s\\S])*?\\n\\t+reverse_proxy ${app}:${port}\\b`),
    );
    expect(compose.services.proxy.environment).toHaveProperty([hostVar]);
  });

  it('has a Kubernetes Deployment, Service and Ingress that agree with compose', () => {
    const deployment = find('Deployment', app)!;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image.split(':')[0]).toBe(
      svc.image.replace(/^\$\{IMAGE_REGISTRY:-([^}]+)\}/, '$1').split(':')[0],
    );
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeLessThanOrEqual(60);

    const env = container.env as {
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef: { key: string } };
    }[];
    // Only its own settings, from the ConfigMaps it reads and its env.
    for (const name of Object.keys(envFromOf(container)))
      expect({ name, setting: name in settings }).toEqual({ name, setting: true });
    for (const e of env) {
      expect(settings).toHaveProperty([e.name]);
      if (settings[e.name]!.secret) {
        expect(e.value).toBeUndefined();
        expect(e.valueFrom!.secretKeyRef.key).toBe(e.name);
        expect(secretExample.stringData).toHaveProperty([e.name]);
      }
    }
    // Every secret the app requires comes from the Secret.
    for (const [name, s] of Object.entries(settings)) {
      if (s.secret && s.required) expect(env.map((e) => e.name)).toContain(name);
    }
    expect(env.find((e) => e.name === 'PORT')!.value).toBe(String(port));

    const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'data');
    const spoolOrReleases = svc.volumes[0].split(':')[1];
    expect(mount.mountPath).toBe(spoolOrReleases);

    const service = find('Service', app)!;
    expect(service.spec.ports[0].port).toBe(port);
    const ingress = find('Ingress', app)!;
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(app);
  });
});

it('every ConfigMap key is a setting of each app that reads it', () => {
  const readers = k8s.flatMap((d) => {
    const pod = d.kind === 'CronJob' ? d.spec.jobTemplate.spec.template.spec : d.spec?.template?.spec;
    return pod ? [{ app: d.metadata.name, container: pod.containers[0] }] : [];
  });
  expect(readers.map((r) => r.app).sort()).toEqual([...Object.keys(SERVICES), 'race-reporter'].sort());
  for (const { app, container } of readers) {
    const settings = settingsOf(app);
    for (const key of Object.keys(envFromOf(container)))
      expect({ app, key, setting: key in settings }).toEqual({ app, key, setting: true });
  }
  for (const cm of configMaps) expect(Object.keys(cm.data ?? {}).length).toBeGreaterThan(0);
});

it('race-reporter runs daily as a CronJob that never overlaps, lib-tagger only in CI', () => {
  const cron = find('CronJob', 'race-reporter')!;
  expect(cron.spec.schedule).toMatch(/^\S+ \S+ \* \* \*$/);
  expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
  expect(container.image).toMatch(/\/race-reporter:/);
  expect(compose.services['race-reporter'].profiles).toEqual(['cron']);
  expect(compose.services['lib-tagger'].profiles).toEqual(['ci']);
  expect(find('Deployment', 'lib-tagger')).toBeUndefined();
});

/**
 * Images are pinned: a digest (`@sha256:`) where one is known, otherwise a full version tag, never
 * a moving one (`latest`, `16`, `2.8`). The upstream registries cannot be reached from where this
 * suite is built and tested, so no digest here could be checked (deploy/README.md, Images).
 */
describe('every image is pinned', () => {
  // PostgreSQL's own versions have two parts (16.4): its image tags are full at major.minor.
  const pinned = (ref: string) => {
    const resolved = ref.replace(/\$\{[^}]*:-([^}]*)\}/g, '$1');
    return (
      /@sha256:[0-9a-f]{64}$/.test(resolved) ||
      /:v?\d+\.\d+\.\d+(-[\w.-]+)?$/.test(resolved) ||
      /^postgres:\d+\.\d+(-[\w.-]+)?$/.test(resolved)
    );
  };
  const references = [
    // (The <app>-2 replicas take their image from <app> by a YAML merge key.)
    ...Object.entries(compose.services)
      .filter(([, s]) => s.image !== undefined)
      .map(([name, s]) => ({ where: `compose ${name}`, ref: String(s.image) })),
    ...[...read('.gitlab-ci.yml').matchAll(/^\s*image: (\S+)/gm)].map((m) => ({
      where: '.gitlab-ci.yml',
      ref: m[1]!,
    })),
    ...APPS.flatMap((app) =>
      [...read(`apps/${app}/Dockerfile`).matchAll(/^FROM (\S+)/gm)]
        .map((m) => m[1]!)
        .filter((ref) => ref.includes(':'))
        .map((ref) => ({ where: `apps/${app}/Dockerfile`, ref })),
    ),
    ...(
      YAML.parse(fs.readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')).images as {
        name: string;
        newTag?: string;
        digest?: string;
      }[]
    ).map((i) => ({
      where: 'kustomization images',
      ref: i.digest ? `${i.name}@${i.digest}` : `${i.name}:${i.newTag}`,
    })),
  ];

  it.each(references.map((r) => [r.where, r.ref] as const))('%s: %s', (where, ref) => {
    expect({ where, ref, pinned: pinned(ref) }).toEqual({ where, ref, pinned: true });
  });

  it('the check refuses moving tags', () => {
    for (const ref of [
      'caddy:2.8',
      'postgres:16',
      'postgres:latest',
      'grafana/grafana:latest',
      'node:24-bookworm-slim',
    ])
      expect({ ref, pinned: pinned(ref) }).toEqual({ ref, pinned: false });
    expect(pinned(`caddy:2.8.4@sha256:${'a'.repeat(64)}`)).toBe(true);
  });
});
