import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDirDurably, writeFileDurably } from '@devops/durable-fs';
import { TemporaryError } from '@devops/errors';
import { readLastSuccess, renderRunMetrics, type RunOutcome } from './render-run-metrics';

/** Where a run's metrics go: a Pushgateway, or a file for the node exporter's textfile collector. */
export type MetricsSink =
  | { kind: 'pushgateway'; url: string; host: string; timeoutMs?: number }
  | { kind: 'textfile'; path: string };

/** `<url>/metrics/job/race-reporter/instance/<host>`, the host base64url-encoded when it holds a slash (as the Pushgateway documents). */
function pushTarget(url: string, host: string): { href: string; where: string } {
  const u = new URL(url);
  const instance = host.includes('/')
    ? `instance@base64/${Buffer.from(host).toString('base64url')}`
    : `instance/${encodeURIComponent(host)}`;
  return {
    href: `${u.origin}${u.pathname.replace(/\/+$/, '')}/metrics/job/race-reporter/${instance}`,
    where: `the Pushgateway at ${u.host}`,
  };
}

/**
 * Records a run for Prometheus. Pushgateway: POST (replaces only the metrics
 * sent, so a failed run, which sends no last-success sample, leaves the
 * previous one in place). Textfile: written durably (temporary file and
 * rename: the collector never reads half a file), keeping the previous
 * last-success sample when this run failed.
 */
export async function publishRunMetrics(sink: MetricsSink, outcome: RunOutcome): Promise<void> {
  if (sink.kind === 'textfile') {
    const previous = await fs.readFile(sink.path, 'utf8').catch(() => '');
    await makeDirDurably(path.dirname(sink.path));
    await writeFileDurably(sink.path, renderRunMetrics(outcome, readLastSuccess(previous)), { mode: 0o644 });
    return;
  }
  const target = pushTarget(sink.url, sink.host);
  let res: Response;
  try {
    res = await fetch(target.href, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; version=0.0.4' },
      body: renderRunMetrics(outcome),
      signal: AbortSignal.timeout(sink.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    throw new TemporaryError(
      `could not push the run's metrics to ${target.where}: ${e.name === 'TimeoutError' ? 'no answer (timeout)' : (e.cause?.code ?? 'network error')}`,
    );
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok)
    throw new TemporaryError(
      `could not push the run's metrics to ${target.where}: it answered ${res.status}`,
    );
}
