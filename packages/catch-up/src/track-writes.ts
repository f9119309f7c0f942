/** The GitLab port's methods that write (everything else only reads). */
export const GITLAB_WRITES = [
  'createTag',
  'createIssue',
  'editIssue',
  'createIssueNote',
  'createMergeRequestDiscussion',
  'resolveMergeRequestDiscussion',
  'createLabel',
  'uploadFile',
] as const;

/** One write a pass made (or, dry, would have made). */
export interface Write {
  method: string;
  /** The write's arguments, shortened for a human (project, iid, label changes; no bodies). */
  summary: string;
}

function summarize(method: string, args: unknown[]): string {
  const parts: string[] = [];
  for (const a of args) {
    if (typeof a === 'number' || (typeof a === 'string' && a.length <= 80 && !a.includes('\n')))
      parts.push(String(a));
    else if (a && typeof a === 'object' && !Array.isArray(a)) {
      const o = a as Record<string, unknown>;
      for (const k of ['addLabels', 'removeLabels', 'stateEvent'])
        if (o[k] !== undefined) parts.push(`${k}=${String(o[k])}`);
    }
  }
  return `${method}(${parts.join(', ')})`;
}

/**
 * Wraps a port so that each call of a write method is recorded in `writes`; with `dryRun` the write is
 * not made (it resolves to undefined: the handlers that pass reads through only act on reads). Reads go
 * through untouched, so a dry run does every read.
 */
export function trackWrites<T extends object>(
  port: T,
  methods: readonly string[],
  opts: { dryRun: boolean; writes: Write[] },
): T {
  return new Proxy(port, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof name !== 'string' || typeof value !== 'function' || !methods.includes(name)) return value;
      return (...args: unknown[]): Promise<unknown> => {
        opts.writes.push({ method: name, summary: summarize(name, args) });
        if (opts.dryRun) return Promise.resolve(undefined);
        return Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args));
      };
    },
  });
}
