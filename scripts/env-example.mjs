// Writes .env.example from the apps' own config schemas (run after `pnpm build`):
//   node scripts/env-example.mjs > .env.example
// checks/deploy's tests fail when a setting is missing from it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apps = [
  'release-api',
  'freshdesk-bridge',
  'version-check',
  'board-sync',
  'race-reporter',
  'lib-tagger',
];
const { loggingSettings } = require(path.join(root, 'packages/logger/dist/index.js'));

function settingsOf(app) {
  const mod = require(path.join(root, 'apps', app, 'dist/config.js'));
  return mod.settings ?? { ...mod.settingsFor({ 'dry-run': true }), ...mod.settingsFor({}) };
}

const seen = new Set(['PORT', 'HOST']);
const out = [
  '# Settings for every app of the suite. Copy to .env and fill in; the real environment wins over .env.',
  '# Without GITLAB_URL (or FRESHDESK_URL), `pnpm start` runs the GitLab (and Freshdesk) test doubles instead.',
  '# Secrets are marked [secret]: they never appear in logs, responses or error messages.',
  '# docker-compose.yml hands each service only the settings it names, taken from here by name.',
  '',
  '# --- shared -------------------------------------------------------------------',
];
const entry = (name, s) => {
  const tags = [
    s.required ? 'required' : '',
    s.secret ? 'secret' : '',
    s.minLength > 1 ? `at least ${s.minLength} characters` : '',
    s.fallback ? `falls back to ${s.fallback}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  out.push(`# ${s.description}${tags ? ` [${tags}]` : ''}`);
  const value = s.defaultText === undefined || s.defaultText === '(empty)' ? '' : s.defaultText;
  out.push(s.required ? `${name}=` : `# ${name}=${value}`);
};
const shared = { ...loggingSettings };
for (const app of apps) {
  const s = settingsOf(app);
  for (const n of ['GITLAB_URL', 'GITLAB_TOKEN', 'GITLAB_WEBHOOK_SECRET'])
    if (s[n] && !shared[n]) shared[n] = s[n];
}
for (const [name, s] of Object.entries(shared)) {
  entry(name, s);
  seen.add(name);
}
out.push('# docker-compose.yml: where the images come from');
out.push('# IMAGE_REGISTRY=registry.example.com/devops', '# IMAGE_TAG=0.1.0');
out.push('# docker-compose.yml: host folder with the race-enabled test logs (mounted read-only at /logs)');
out.push('# RACE_REPORTER_LOG_DIR=/var/log/race-tests');
out.push(
  '# docker-compose.yml --profile ha: the PostgreSQL password (and DATABASE_URL below, with the same password)',
  '# POSTGRES_PASSWORD=',
);
out.push('# Host names the reverse proxy routes (docker-compose.yml)');
for (const app of apps.slice(0, 4))
  out.push(`${app.toUpperCase().replace(/-/g, '_')}_HOST=${app}.example.com`);
for (const app of apps) {
  out.push('', `# --- ${app} ${'-'.repeat(Math.max(3, 74 - app.length))}`);
  const s = settingsOf(app);
  if (s.PORT)
    out.push(
      `# TCP port (default ${s.PORT.defaultText}) and address to listen on`,
      `# PORT=${s.PORT.defaultText}`,
      '# HOST=0.0.0.0',
    );
  for (const [name, setting] of Object.entries(s)) {
    if (seen.has(name)) continue;
    seen.add(name);
    entry(name, setting);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
