/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML documents are untyped by nature */
/**
 * deploy/kubernetes/ha, the kustomize overlay, checked structurally: its patches applied to the
 * base as strategic merge patches (kubectl kustomize is not available here), then the result
 * read as Kubernetes would run it.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { applyOverlay, applyStrategicMerge, type K8sObject } from './support/apply-strategic-merge';
import { read, root, SERVICES } from './support/workspace';

const dir = (rel: string) => path.join(root, 'deploy/kubernetes', rel);
const readDocs = (file: string) =>
  YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as K8sObject);
const kustomization = (rel: string) =>
  YAML.parse(fs.readFileSync(dir(`${rel}/kustomization.yaml`), 'utf8')) as {
    resources: string[];
    patches?: { path: string }[];
    namespace?: string;
  };

const base = kustomization('.').resources.flatMap((f) => readDocs(dir(f)));
const overlay = kustomization('ha');
const ownResources = overlay.resources.filter((r) => r !== '../').flatMap((f) => readDocs(dir(`ha/${f}`)));
const patches = (overlay.patches ?? []).flatMap((p) => readDocs(dir(`ha/${p.path}`)));
const result = [...applyOverlay(base, patches), ...ownResources];
const find = (kind: string, name: string) => result.find((o) => o.kind === kind && o.metadata.name === name);

describe('deploy/kubernetes/ha (kustomize overlay)', () => {
  it('builds on the base and lists only files that exist', () => {
    expect(overlay.resources).toContain('../');
    expect(overlay.namespace).toBe(kustomization('.').namespace);
    for (const f of [
      ...overlay.resources.filter((r) => r !== '../'),
      ...(overlay.patches ?? []).map((p) => p.path),
    ])
      expect(fs.existsSync(dir(`ha/${f}`))).toBe(true);
  });

  describe.each(Object.keys(SERVICES))('%s', (app) => {
    const deployment = find('Deployment', app)!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers.find((c: any) => c.name === app);

    it('runs two replicas, rolled out one extra pod at a time without ever dropping below two', () => {
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
      });
    });

    it('leaves the endpoints as soon as it drains: SHUTDOWN_DELAY set, readiness on /healthz fails at the first missed probe', () => {
      expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.failureThreshold).toBe(1);
      expect(container.readinessProbe.periodSeconds).toBeLessThanOrEqual(5);
      const delay = Number((container.env as any[]).find((e) => e.name === 'SHUTDOWN_DELAY')?.value);
      // Long enough for a failed probe to take the pod out; the drain plus SPEC's 30 s to finish
      // work in flight fit in the grace period.
      expect(delay).toBeGreaterThanOrEqual(container.readinessProbe.periodSeconds);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(delay + 30);
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    });

    it('reads DATABASE_URL from the Secret, next to every base setting', () => {
      const env = container.env as any[];
      expect(env.find((e) => e.name === 'DATABASE_URL')).toEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'devops-suite-secrets', key: 'DATABASE_URL' } },
      });
      const baseEnv = base.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!.spec.template.spec
        .containers[0].env;
      for (const e of baseEnv) expect(env).toContainEqual(e);
    });

    it('mounts no ReadWriteOnce volume (two pods on two nodes could not both attach it)', () => {
      for (const volume of pod.volumes as any[]) {
        if (!volume.persistentVolumeClaim) continue;
        const claim = find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName)!;
        expect({ claim: claim.metadata.name, modes: claim.spec.accessModes }).toEqual({
          claim: claim.metadata.name,
          modes: ['ReadWriteMany'],
        });
      }
    });

    it('has a PodDisruptionBudget that keeps one of its pods up', () => {
      const pdb = find('PodDisruptionBudget', app)!;
      expect(pdb.spec.minAvailable).toBe(1);
      expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
      const labels = deployment.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
    });
  });

  it('the webhook receivers keep no spool volume; release-api shares one ReadWriteMany release store', () => {
    for (const claim of ['bridge-spool', 'version-check-spool', 'board-sync-spool'])
      expect(find('PersistentVolumeClaim', claim)).toBeUndefined();
    expect(find('PersistentVolumeClaim', 'releases')!.spec.accessModes).toEqual(['ReadWriteMany']);
  });

  it('race-reporter: the CronJob keeps its state in PostgreSQL, with no state volume', () => {
    const cron = find('CronJob', 'race-reporter')!;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(find('PersistentVolumeClaim', 'race-reporter-state')).toBeUndefined();
    const claims = (pod.volumes as any[]).filter((v) => v.persistentVolumeClaim);
    // Only its input: the test logs, read-only.
    expect(claims.every((v) => v.persistentVolumeClaim.readOnly === true)).toBe(true);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).not.toContain('/srv/data/race-reporter');
    expect(container.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'devops-suite-secrets', key: 'DATABASE_URL' } },
    });
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  });

  it('ships the alert rules as a PrometheusRule identical to deploy/monitoring/alerts.yml', () => {
    const rule = find('PrometheusRule', 'devops-suite')!;
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.spec).toEqual(YAML.parse(read('deploy/monitoring/alerts.yml')));
  });

  it('scrapes every pod of the four services under the job names the rules use', () => {
    const monitor = find('PodMonitor', 'devops-suite')!;
    expect(monitor.spec.selector.matchExpressions[0].values.sort()).toEqual(Object.keys(SERVICES).sort());
    expect(monitor.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  it('the Secret example documents DATABASE_URL', () => {
    const secret = readDocs(dir('secret.example.yaml'))[0]!;
    expect(secret.stringData).toHaveProperty(['DATABASE_URL']);
  });
});

describe('applyStrategicMerge (the overlay reader)', () => {
  it('merges lists by their merge key, deletes with $patch and null, replaces other values', () => {
    const merged = applyStrategicMerge(
      {
        replicas: 1,
        volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'x' } }, { name: 'b' }],
        env: [{ name: 'A', value: '1' }],
        args: ['x'],
      },
      {
        replicas: 2,
        volumes: [
          { name: 'a', persistentVolumeClaim: null, emptyDir: {} },
          { name: 'b', $patch: 'delete' },
        ],
        env: [{ name: 'B', value: '2' }],
        args: ['y'],
      },
    );
    expect(merged).toEqual({
      replicas: 2,
      volumes: [{ name: 'a', emptyDir: {} }],
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      args: ['y'],
    });
  });

  it('refuses a patch object with two $patch directives (kustomize would apply only one)', () => {
    const twice = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'race-reporter' },
      spec: { a: [{ name: 'x', $patch: 'delete' }], b: [{ name: 'y', $patch: 'delete' }] },
    };
    expect(() => applyOverlay(base, [twice])).toThrow(/more than one \$patch/);
  });

  it('refuses a patch that matches nothing in the base', () => {
    expect(() =>
      applyOverlay(base, [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nope' } }]),
    ).toThrow(/matches nothing/);
  });
});
