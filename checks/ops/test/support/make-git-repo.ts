import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface GitRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, content: string | Buffer): void;
  remove(): void;
}

/**
 * A real git repository in a temp dir with `files` committed on `branch`, and an `origin` whose
 * default branch is that commit (what a clone from GitLab has, and what gitlab-ci-local reads
 * for CI_SERVER_URL, CI_PROJECT_PATH and `rules: changes`).
 */
export function makeGitRepo(opts: {
  files: Record<string, string | Buffer>;
  message: string;
  origin: string;
  branch?: string;
}): GitRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-repo-'));
  const branch = opts.branch ?? 'main';
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Example Developer',
        GIT_AUTHOR_EMAIL: 'developer@example.com',
        GIT_COMMITTER_NAME: 'Example Developer',
        GIT_COMMITTER_EMAIL: 'developer@example.com',
      },
    }).trim();
  const write = (file: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  git('init', '-q', '-b', branch);
  for (const [file, content] of Object.entries(opts.files)) write(file, content);
  git('add', '-A');
  git('commit', '-q', '-m', opts.message);
  git('remote', 'add', 'origin', opts.origin);
  git('update-ref', `refs/remotes/origin/${branch}`, 'HEAD');
  git('symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${branch}`);
  return { dir, git, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
