import v8 from 'node:v8';
import vm from 'node:vm';
import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

/** What release scripts inherit: the service's environment without its own settings (the shared secret above all). */
function scriptEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('RELEASE_') || k in settings) continue;
    out[k] = v;
  }
  return out;
}

/**
 * V8's young-generation GC as a function, without a `node` flag (SPEC fixes
 * the command line): `--expose-gc` set now applies to contexts created after
 * it, so a fresh context hands out `gc` and the main context stays as it was.
 */
function youngGenerationGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
}

startMain({
  name: 'release-api',
  summary:
    'receives release artifacts (.tgz + MD5 + metadata) from build servers, stores them atomically and runs the release script.',
  usage: 'node apps/release-api/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const app = createApp({
      config,
      log,
      scriptEnv: scriptEnvironment(process.env),
      collectYoung: youngGenerationGc(),
    });
    await serveUntilSignalled(app, { service: 'release-api', port: config.PORT, host: config.HOST, log });
  },
});
