import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

export interface Progress {
  add(n: number): void;
  stop(): void;
}

/** A progress bar on a terminal; nothing at all when `stream` is not a TTY (CI logs). */
export function showProgress(stream: Writable, label: string, total: number): Progress {
  if (!(stream as NodeJS.WriteStream).isTTY) return { add: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} MiB | {eta_formatted}`,
      formatValue: (v, _o, type) =>
        type === 'value' || type === 'total' ? (v / 1024 ** 2).toFixed(1) : String(v),
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return {
    add(n) {
      done += n;
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
