import { Writable } from 'node:stream';
import { runMain } from '@devops/cli';
import { startGitLabDouble, tempDir, type GitLabDouble } from '@devops/testkit';
import { libTaggerMain } from '../src/lib-tagger-main';

export interface Library {
  gitlab: GitLabDouble;
  projectId: number;
  /** A new commit on main (or `branch`); returns its sha. */
  commit(message: string, files?: Record<string, string>, branch?: string): string;
  /** The CI environment GitLab gives a default-branch pipeline for `sha`. */
  env(sha: string, extra?: Record<string, string | undefined>): Record<string, string>;
  tagNames(): string[];
  close(): Promise<void>;
}

export async function startLibrary(): Promise<Library> {
  const gitlab = await startGitLabDouble();
  const project = gitlab.addProject({ path: 'group/lib', defaultBranch: 'main' });
  return {
    gitlab,
    projectId: project.id,
    commit: (message, files, branch = 'main') =>
      gitlab.addCommit(project.id, { branch, message, ...(files ? { files } : {}) }),
    env(sha, extra = {}) {
      const env: Record<string, string | undefined> = {
        PATH: process.env.PATH,
        CI_SERVER_URL: gitlab.url,
        GITLAB_TOKEN: gitlab.token,
        CI_PROJECT_ID: String(project.id),
        CI_COMMIT_SHA: sha,
        CI_COMMIT_BRANCH: 'main',
        CI_DEFAULT_BRANCH: 'main',
        CI_COMMIT_MESSAGE: gitlab.commit(project.id, sha)?.message,
        LOG_LEVEL: 'info',
        ...extra,
      };
      return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    },
    tagNames: () => gitlab.state(project.id).tags.map((t) => t.name),
    close: () => gitlab.close(),
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last non-empty line of stdout ('' when there is none). */
  lastLine: string;
}

/** The CLI in-process (same runMain as dist/main.js), fast retries; cwd is an empty temp folder. */
export async function runTagger(
  env: Record<string, string>,
  args: string[] = [],
  cwd = tempDir(),
): Promise<RunResult> {
  const out = collector();
  const err = collector();
  const code = await runMain(libTaggerMain({ retry: { baseDelayMs: 1, maxDelayMs: 5 } }), {
    argv: ['node', 'main.js', ...args],
    env,
    cwd: () => cwd,
    stdout: out.stream,
    stderr: err.stream,
  });
  const stdout = out.text();
  return { code, stdout, stderr: err.text(), lastLine: lastLine(stdout) };
}

export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
