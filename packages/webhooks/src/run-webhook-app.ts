import { startMain, type RunContext } from '@devops/cli';
import {
  DEAD_LETTERS_USAGE,
  DEFAULT_QUEUE_POLICY,
  openEventQueue,
  runDeadLettersCommand,
} from '@devops/event-queue';
import { createGitLab } from '@devops/gitlab';
import { serveUntilSignalled } from '@devops/http-service';
import { createLogger, type Logger } from '@devops/logger';
import { createWebhookApp } from './create-webhook-app';
import type { WebhookAppDefinition, WebhookAppSchema, WebhookConfigOf } from './define-webhook-app';

/**
 * A webhook app's whole main.ts: `runWebhookApp(definition)`. Serves it
 * (config, GitLab client, queue replay, listen, drain on SIGTERM), or with
 * `dead-letters ...` runs the operator's command on the same queue storage.
 */
export function runWebhookApp<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
): void {
  const main = `node apps/${definition.name}/dist/main.js`;
  startMain({
    name: definition.name,
    summary: definition.summary,
    usage: [
      main,
      `${main} ${DEAD_LETTERS_USAGE}`,
      ...(definition.commandUsage ?? []).map((u) => `${main} ${u}`),
    ].join('\n'),
    options: {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      ...(definition.commandUsage?.length
        ? { since: { type: 'string' }, 'dry-run': { type: 'boolean' } }
        : {}),
    },
    optionsHelp: [
      '--json       dead-letters, reconcile: print one JSON document on stdout',
      '--all        dead-letters replay: every dead letter',
      ...(definition.commandUsage?.length
        ? [
            '--since S    reconcile: look back S seconds from now (default: since the last pass)',
            '--dry-run    reconcile: do every read and no write; print what would be repaired',
          ]
        : []),
    ].join('\n'),
    schema: definition.settings,
    stopsOnSignal: true,
    run: (ctx) =>
      ctx.positionals[0] === 'dead-letters'
        ? manageDeadLetters(definition, ctx)
        : ctx.positionals.length > 0 &&
            definition.commandUsage?.some((u) => u.split(' ')[0] === ctx.positionals[0])
          ? runAppCommand(definition, ctx)
          : serve(definition, ctx),
  });
}

async function serve<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
  ctx: RunContext<S>,
): Promise<number> {
  const { log } = ctx;
  const config = ctx.config as WebhookConfigOf<S>; // S extends WebhookAppSchema
  if (ctx.positionals.length > 0) {
    ctx.stderr.write(`${definition.name}: unknown command "${ctx.positionals[0]}"; run with --help\n`);
    return 78;
  }
  const service = buildApp(definition, ctx, config, log);
  await service.start();
  if (!service.receiver) log.info('GITLAB_WEBHOOK_SECRET is not set: POST /webhooks/gitlab is disabled');
  await serveUntilSignalled(service.app, {
    service: definition.name,
    port: config.PORT,
    host: config.HOST,
    drainDelayMs: config.SHUTDOWN_DELAY * 1000,
    log,
    signal: ctx.signal,
    onDrain: () => service.stop(),
  });
  return 0;
}

/**
 * One of the app's own commands (setup's `commands`, e.g. `reconcile`), with the app built as the
 * service builds it but not started; its log goes to stderr, keeping stdout for the command's result.
 */
async function runAppCommand<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
  ctx: RunContext<S>,
): Promise<number> {
  const config = ctx.config as WebhookConfigOf<S> & { LOG_LEVEL?: string; LOG_FORMAT?: string }; // S extends WebhookAppSchema
  const log = createLogger({
    service: definition.name,
    ...(config.LOG_LEVEL ? { level: config.LOG_LEVEL as 'info' } : {}),
    ...(config.LOG_FORMAT ? { format: config.LOG_FORMAT as 'json' } : {}),
    secrets: ctx.secrets,
    stream: ctx.stderr,
  });
  const service = buildApp(definition, ctx, config, log, { defaultMetrics: false });
  const [name, ...args] = ctx.positionals;
  const command = name === undefined ? undefined : service.commands[name];
  if (!command) {
    // Listed in commandUsage but not set up: the settings leave it out (the bridge without a webhook secret).
    ctx.stderr.write(`${definition.name}: "${name}" is not available with these settings; see --help\n`);
    return 78;
  }
  return command.run({ args, flags: ctx.flags, stdout: ctx.stdout, stderr: ctx.stderr });
}

async function manageDeadLetters<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
  ctx: RunContext<S>,
): Promise<number> {
  const config = ctx.config as WebhookConfigOf<S>; // S extends WebhookAppSchema
  const queue = await openEventQueue(
    { spoolDir: config.WEBHOOK_SPOOL_DIR, databaseUrl: config.DATABASE_URL },
    {
      app: definition.name,
      log: ctx.log,
      policy: DEFAULT_QUEUE_POLICY, // never started: no processing
    },
  );
  try {
    return await runDeadLettersCommand({
      args: ctx.positionals.slice(1),
      json: ctx.flags.json === true,
      all: ctx.flags.all === true,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      deadLetters: queue.deadLetters,
    });
  } finally {
    await queue.stop();
  }
}

/** The app as the service runs it: its GitLab port, its own clients and the shutdown signal. */
function buildApp<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
  ctx: RunContext<S>,
  config: WebhookConfigOf<S>,
  log: Logger,
  extra: { defaultMetrics?: boolean } = {},
) {
  const gitlab = createGitLab({
    url: config.GITLAB_URL,
    token: config.GITLAB_TOKEN,
    log,
    signal: ctx.signal,
    ...(definition.gitlabRetry ? { retry: definition.gitlabRetry } : {}),
  });
  const clients = definition.connect?.({ config, log, signal: ctx.signal }) ?? ({} as C);
  return createWebhookApp(definition, {
    ...clients,
    config,
    log,
    gitlab,
    secrets: ctx.secrets,
    signal: ctx.signal,
    ...extra,
  });
}
