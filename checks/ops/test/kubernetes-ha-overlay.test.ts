/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML documents are untyped by nature */
/**
 * deploy/kubernetes/overlays/ha, the kustomize overlay, as `kubectl kustomize` builds it (what
 * `kubectl apply -k deploy/kubernetes/overlays/ha` sends), read as Kubernetes would run it.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { buildKustomization, type K8sObject } from './support/build-kustomization';
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

const base = buildKustomization('deploy/kubernetes/base');
const overlay = kustomization('overlays/ha');
const result = buildKustomization('deploy/kubernetes/overlays/ha');
const find = (kind: string, name: string) => result.find((o) => o.kind === kind && o.metadata.name === name);

describe('deploy/kubernetes/overlays/ha (kustomize overlay of base)', () => {
  it('builds on the base, outside it (kustomize refuses an overlay inside its base: a cycle)', () => {
    expect(overlay.resources).toContain('../../base');
    expect(overlay.namespace).toBe(kustomization('base').namespace);
    for (const o of result) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('devops-suite');
    // Every base object is still there, but the claims the overlay deletes.
    const deleted = ['bridge-spool', 'version-check-spool', 'board-sync-spool', 'race-reporter-state'];
    for (const o of base)
      if (!(o.kind === 'PersistentVolumeClaim' && deleted.includes(o.metadata.name)))
        expect(find(o.kind, o.metadata.name)).toBeDefined();
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
    const secret = readDocs(dir('base/secret.example.yaml'))[0]!;
    expect(secret.stringData).toHaveProperty(['DATABASE_URL']);
  });
});
