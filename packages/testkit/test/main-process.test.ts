import { waitFor } from '../src/wait/wait-for';
import { spawn } from 'node:child_process';
import path from 'node:path';

describe('node packages/testkit/dist/main.js', () => {
  it('[slow] prints both doubles with credentials that work, logs an unknown route without failing, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, '../dist/main.js')], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
    });
    const info = JSON.parse(line) as {
      gitlab: { url: string; token: string; projects: string[] };
      freshdesk: { url: string; apiKey: string; tickets: number[] };
    };
    const project = await fetch(
      `${info.gitlab.url}/api/v4/projects/${encodeURIComponent(info.gitlab.projects[0]!)}`,
      {
        headers: { 'PRIVATE-TOKEN': info.gitlab.token },
      },
    );
    expect(project.status).toBe(200);
    expect(((await project.json()) as { path_with_namespace: string }).path_with_namespace).toBe(
      info.gitlab.projects[0],
    );
    const ticket = await fetch(`${info.freshdesk.url}/api/v2/tickets/${info.freshdesk.tickets[0]}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${info.freshdesk.apiKey}:X`).toString('base64')}` },
    });
    expect(ticket.status).toBe(200);

    const unknown = await fetch(
      `${info.gitlab.url}/api/v4/projects/1/pipelines?private_token=${info.gitlab.token}`,
    );
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: '404 Not Found' }]);
    await waitFor(() => stderr.includes('\n'), 10_000, 'the unknown route logged on stderr');
    const logged = JSON.parse(stderr.split('\n')[0]!) as Record<string, unknown>;
    expect(logged).toMatchObject({
      level: 'warn',
      double: 'GitLab',
      method: 'GET',
      path: '/api/v4/projects/1/pipelines',
    });
    expect(logged.msg).toContain('UNKNOWN ROUTE');
    expect(stderr).not.toContain(info.gitlab.token);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
