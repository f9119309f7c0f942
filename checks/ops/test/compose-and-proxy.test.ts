/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML and Caddy JSON are untyped by nature */
/**
 * docker-compose.yml's `ha` and `monitoring` profiles and the Caddy proxy, checked by parsing
 * (no Docker engine here) and by Caddy itself (`caddy validate`, `caddy adapt`).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { KEEP_ALIVE_TIMEOUT_MS } from '@devops/http-service';
import { read, root, SERVICES } from './support/workspace';

const compose = YAML.parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, any>;
  volumes: Record<string, unknown>;
};
const hosts: Record<string, string> = {
  RELEASE_API_HOST: 'releases.example.com',
  FRESHDESK_BRIDGE_HOST: 'bridge.example.com',
  VERSION_CHECK_HOST: 'version-check.example.com',
  BOARD_SYNC_HOST: 'board-sync.example.com',
};
const hostOf = (app: string) => hosts[`${app.toUpperCase().replace(/-/g, '_')}_HOST`]!;

function caddy(args: string[], caddyfile = path.join(root, 'deploy/caddy/Caddyfile')) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-caddy-'));
  try {
    return execFileSync('caddy', [...args, '--config', caddyfile, '--adapter', 'caddyfile'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home, ...hosts },
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe('compose profile ha: PostgreSQL and a second replica of every service', () => {
  const postgres = compose.services.postgres;

  it('runs a pinned PostgreSQL 16+ with a health check, its password from .env', () => {
    expect(postgres.profiles).toEqual(['ha']);
    const [, major] = /^postgres:(\d+)\.\d+(-[\w.-]+)?$/.exec(postgres.image) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(16);
    expect(postgres.healthcheck.test).toContain('pg_isready');
    expect(postgres.environment.POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:-}');
    expect(postgres.volumes[0]).toMatch(/^postgres-data:/);
    expect(compose.volumes).toHaveProperty(['postgres-data']);
  });

  it.each(Object.entries(SERVICES))(
    '%s-2 is the same service as its first replica, started only on a healthy database',
    (app, port) => {
      const one = compose.services[app];
      const two = compose.services[`${app}-2`];
      expect(one.profiles).toBeUndefined();
      expect(two.profiles).toEqual(['ha']);
      for (const key of ['image', 'environment', 'expose', 'healthcheck', 'env_file', 'stop_grace_period'])
        expect({ key, value: two[key] }).toEqual({ key, value: one[key] });
      expect(two.environment.PORT).toBe(String(port));
      expect(two.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        'ha-guard': { condition: 'service_completed_successfully' },
      });
      const [volume, mount] = String(two.volumes[0]).split(':');
      expect(compose.volumes).toHaveProperty([volume!]);
      expect(mount).toBe(String(one.volumes[0]).split(':')[1]);
      // release-api replicas share the release store (locks in PostgreSQL); a spool is never shared.
      if (app === 'release-api') expect(volume).toBe(String(one.volumes[0]).split(':')[0]);
      else expect(volume).not.toBe(String(one.volumes[0]).split(':')[0]);
    },
  );

  describe('ha-guard: the second replicas never start without a database', () => {
    const guard = compose.services['ha-guard'];
    const runGuard = (env: Record<string, string>) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const [cmd, ...args] = guard.entrypoint as string[];
        expect(cmd).toBe('node');
        execFile(
          process.execPath,
          args,
          { env: { PATH: process.env.PATH ?? '', ...env } },
          (err, _out, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
        );
      });

    it('exits 78 naming DATABASE_URL when it is empty or not a postgres URL', async () => {
      for (const value of ['', 'mysql://suite@db/suite']) {
        const run = await runGuard({ DATABASE_URL: value });
        expect(run.code).toBe(78);
        expect(run.stderr).toContain('DATABASE_URL');
      }
    });

    it('exits 0 with a postgres:// URL, without printing it', async () => {
      const url = 'postgres://suite:s3cret-password@postgres:5432/suite';
      const run = await runGuard({ DATABASE_URL: url });
      expect(run).toEqual({ code: 0, stderr: '' });
    });

    it('is in the ha profile and reads DATABASE_URL from .env', () => {
      expect(guard.profiles).toEqual(['ha']);
      expect(guard.environment).toEqual({ DATABASE_URL: '${DATABASE_URL:-}' });
    });
  });
});

describe('compose profile monitoring: Prometheus, Pushgateway and Grafana, provisioned from deploy/monitoring', () => {
  const mounts = (svc: string) =>
    Object.fromEntries(
      (compose.services[svc].volumes as string[]).map((v) => {
        const [from, to] = v.split(':');
        return [to!, from!];
      }),
    );

  it('pins every image', () => {
    for (const svc of ['prometheus', 'pushgateway', 'grafana']) {
      expect(compose.services[svc].profiles).toEqual(['monitoring']);
      expect(compose.services[svc].image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it('mounts the scrape config and the rules where prometheus.yml looks for them', () => {
    const m = mounts('prometheus');
    expect(m['/etc/prometheus/prometheus.yml']).toBe('./deploy/monitoring/prometheus.yml');
    const config = YAML.parse(read('deploy/monitoring/prometheus.yml')) as { rule_files: string[] };
    for (const file of config.rule_files) expect(m[file]).toBe('./deploy/monitoring/alerts.yml');
    expect(compose.services.prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(compose.services.prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
  });

  it('scrapes every replica of the four services on their SPEC ports, and the Pushgateway', () => {
    const config = YAML.parse(read('deploy/monitoring/prometheus.yml')) as {
      scrape_configs: {
        job_name: string;
        honor_labels?: boolean;
        dns_sd_configs?: any[];
        static_configs?: any[];
      }[];
    };
    for (const [app, port] of Object.entries(SERVICES)) {
      const job = config.scrape_configs.find((c) => c.job_name === app)!;
      expect(job.dns_sd_configs).toEqual([expect.objectContaining({ names: [app], type: 'A', port })]);
      expect(compose.services).toHaveProperty([app]);
    }
    const push = config.scrape_configs.find((c) => c.job_name === 'pushgateway')!;
    expect(push.honor_labels).toBe(true);
    expect(push.static_configs).toEqual([{ targets: ['pushgateway:9091'] }]);
    expect(compose.services.pushgateway.expose).toEqual(['9091']);
  });

  it('passes `promtool check config` (with the rules file where the container has it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-prom-'));
    try {
      const config = read('deploy/monitoring/prometheus.yml').replace(
        '/etc/prometheus/alerts.yml',
        path.join(root, 'deploy/monitoring/alerts.yml'),
      );
      fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
      const out = execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(out).toMatch(/SUCCESS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('provisions the Prometheus data source and the dashboard folder Grafana mounts', () => {
    const m = mounts('grafana');
    expect(m['/etc/grafana/provisioning']).toBe('./deploy/monitoring/grafana/provisioning');
    const datasources = YAML.parse(read('deploy/monitoring/grafana/provisioning/datasources/prometheus.yml'));
    expect(datasources.datasources[0]).toMatchObject({
      type: 'prometheus',
      uid: 'prometheus',
      url: 'http://prometheus:9090',
    });
    const providers = YAML.parse(read('deploy/monitoring/grafana/provisioning/dashboards/devops-suite.yml'));
    const dashboardsPath = providers.providers[0].options.path as string;
    expect(m[dashboardsPath]).toBe('./deploy/monitoring/grafana/dashboards');
    const home = compose.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    expect(home.startsWith(`${dashboardsPath}/`)).toBe(true);
    expect(fs.existsSync(path.join(root, 'deploy/monitoring/grafana/dashboards', path.basename(home)))).toBe(
      true,
    );
    expect(compose.services.grafana.ports).toEqual(['127.0.0.1:3000:3000']);
  });
});

/** Every handler of a kind anywhere below a Caddy JSON route (subroutes included). */
function findHandlers(node: any, kind: string): any[] {
  if (Array.isArray(node)) return node.flatMap((n) => findHandlers(n, kind));
  if (node === null || typeof node !== 'object') return [];
  return [
    ...(node.handler === kind ? [node] : []),
    ...Object.values(node).flatMap((v) => findHandlers(v, kind)),
  ];
}

describe('deploy/caddy/Caddyfile', () => {
  it('passes `caddy validate`', () => {
    expect(caddy(['validate'])).toContain('Valid configuration');
  });

  it('`caddy validate` refuses a broken copy (the check can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-caddyfile-'));
    try {
      const broken = read('deploy/caddy/Caddyfile').replace('max_fails 3', 'max_fails three');
      fs.writeFileSync(path.join(dir, 'Caddyfile'), broken);
      expect(() => caddy(['validate'], path.join(dir, 'Caddyfile'))).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const adapted = JSON.parse(caddy(['adapt']));
  const routes = adapted.apps.http.servers.srv0.routes as any[];

  it.each(Object.entries(SERVICES))(
    '%s: balanced over both replicas, active health checks on /healthz, nothing resent',
    (app, port) => {
      const route = routes.find((r) => r.match[0].host.includes(hostOf(app)));
      const proxies = findHandlers(route, 'reverse_proxy');
      // One proxy per site (inside its public paths' handle block; caddy-public-routes.test.ts).
      expect(proxies).toHaveLength(1);
      const proxy = proxies[0];
      expect(proxy.upstreams).toEqual([{ dial: `${app}:${port}` }, { dial: `${app}-2:${port}` }]);
      expect(proxy.health_checks.active.uri).toBe('/healthz');
      expect(proxy.health_checks.active.interval).toBeLessThanOrEqual(10e9);
      // No retries and no request buffering: Caddy cannot resend a POST safely (unbuffered, the
      // retry fails on the healthy replica and takes it out; buffered, it may carry another
      // request's body; see the Caddyfile and caddy-replicas.test.ts).
      expect(proxy.load_balancing).not.toHaveProperty('retries');
      expect(proxy.load_balancing).not.toHaveProperty('try_duration');
      expect(proxy.load_balancing).not.toHaveProperty('retry_match');
      expect(proxy).not.toHaveProperty('buffer_requests');
      expect(proxy).not.toHaveProperty('request_buffers');
      // The proxy closes idle connections before the service does (no request sent on a
      // connection being closed), and one failed request does not take a replica out.
      expect(proxy.transport.keep_alive.idle_timeout).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS * 1e6);
      expect(proxy.health_checks.passive.max_fails).toBeGreaterThanOrEqual(2);
      // Not round_robin: in Caddy 2.6 two requests choosing at once can both step past the one
      // replica that is up, and "no upstreams available" is an immediate 503 for a POST.
      expect(proxy.load_balancing.selection_policy.policy).toBe('least_conn');
      expect(compose.services[`${app}-2`]).toBeDefined();
      // A replica told to stop drains (503 on /healthz, still serving) for longer than one
      // check interval plus its timeout, so the proxy stops sending before it stops accepting;
      // drain plus 25 s for work in flight fit in compose's stop grace period.
      const { interval, timeout } = proxy.health_checks.active;
      const delay = Number(compose.services[app].environment.SHUTDOWN_DELAY) * 1e9;
      expect(delay).toBeGreaterThan(interval + timeout);
      expect(Number.parseInt(compose.services[app].stop_grace_period, 10) * 1e9).toBeGreaterThanOrEqual(
        delay + 25e9,
      );
    },
  );
});
