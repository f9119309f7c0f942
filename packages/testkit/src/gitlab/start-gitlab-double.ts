import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faultResponse, takeFault, toActiveFault, type ActiveFault, type FaultSpec } from './faults';
import { apiError, HttpError, queryToObject, readBody, sendJson, type RouteContext } from './http';
import { matchRoute } from './match-route';
import type {
  CommitRecord,
  IssueRecord,
  LabelRecord,
  MergeRequestRecord,
  ProjectRecord,
  TagRecord,
} from './model';
import { createGitLabChanges, type GitLabChanges } from './change-gitlab-state';
import { catchUpRoutes } from './routes/catch-up-routes';
import { issueRoutes } from './routes/issue-routes';
import type { MemberInput, MemberRecord } from './member-book';
import { labelRoutes } from './routes/label-routes';
import { memberRoutes } from './routes/member-routes';
import { mergeRequestRoutes } from './routes/merge-request-routes';
import { projectRoutes } from './routes/project-routes';
import type { Route, RouteDeps } from './routes/route';
import { tagRoutes } from './routes/tag-routes';
import { uploadRoutes } from './routes/upload-routes';
import { sendWebhook, type WebhookDelivery } from './send-webhook';
import { createSerializer } from './serialize';
import { GitLabStore, type AddCommitInput } from './store';
import {
  recordUnknownRoutes,
  type StrictnessOptions,
  type UnknownRequest,
} from '../strict/record-unknown-routes';

export interface LoggedRequest {
  method: string;
  /** The path as sent (URL-encoded), e.g. /api/v4/projects/group%2Flib/issues */
  path: string;
  query: Record<string, unknown>;
  /** 0 when the double reset the connection. */
  status: number;
  /** Parsed JSON/form body; for uploads {file: {filename, size}}. */
  body?: unknown;
  /** True when an injected fault answered. */
  fault?: boolean;
  /** True when no route of the double matched (see `unknownRequests()`). */
  unknownRoute?: boolean;
}

export interface GitLabDoubleOptions extends StrictnessOptions {
  /** The valid token (default: a random glpat-… value). */
  token?: string;
  /** Upload bytes kept in memory per file (default 16 MiB); above it only size and sha256. */
  keepUploadBytesUpTo?: number;
  /** The double's clock: timestamps it writes and rate-limit windows (default the real one). */
  now?: () => Date;
  /**
   * Like GitLab's `max_attachment_size` (which an admin may set low), in bytes: `POST /projects/:id/uploads`
   * with a larger file answers 413 `{"message":"413 Request Entity Too Large"}` and stores nothing.
   * Default: no limit.
   */
  maxAttachmentBytes?: number;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

export interface GitLabDouble {
  url: string;
  token: string;
  addProject(input: { path: string; defaultBranch?: string; name?: string }): { id: number; path: string };
  /** Returns the commit sha. `files` are merged over the branch's current tree. */
  addCommit(project: number | string, input: AddCommitInput): string;
  createBranch(project: number | string, name: string, ref: string): void;
  addTag(project: number | string, input: { name: string; ref: string; message?: string }): TagRecord;
  addIssue(
    project: number | string,
    input: { title: string; description?: string; labels?: string[]; state?: 'opened' | 'closed' },
  ): IssueRecord;
  addMergeRequest(
    project: number | string,
    input: {
      title: string;
      description?: string;
      sourceBranch: string;
      targetBranch?: string;
      sourceProjectId?: number;
      draft?: boolean;
      state?: MergeRequestRecord['state'];
      labels?: string[];
      /** Issue iids closed on merge; default: parsed from the description ("Closes #12"). */
      closesIssues?: number[];
    },
  ): MergeRequestRecord;
  addLabel(
    project: number | string,
    input: { name: string; color?: string; description?: string },
  ): LabelRecord;
  /** A direct member of the project (adding the same user again changes the membership). */
  addProjectMember(project: number | string, member: MemberInput): MemberRecord;
  /** A member of the group `path` (e.g. `acme`), inherited by every project under it (`acme/app`, `acme/sub/x`). */
  addGroupMember(groupPath: string, member: MemberInput): MemberRecord;
  /** Live in-memory state of one project. */
  state(project: number | string): ProjectRecord;
  commit(project: number | string, sha: string): CommitRecord | undefined;
  readonly requests: LoggedRequest[];
  clearRequests(): void;
  /**
   * Requests that matched no route of the double (answered 404 `{"error":"404 Not Found"}`, or 405 for a
   * path served for other methods). A 404 of a known route for a missing object is not one of them.
   * `close()` rejects naming them unless `allowUnknownRoutes` was given.
   */
  unknownRequests(): UnknownRequest[];
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Changes the upload limit (see GitLabDoubleOptions.maxAttachmentBytes); undefined lifts it. */
  setMaxAttachmentBytes(bytes: number | undefined): void;
  sendWebhook(targetUrl: string, delivery: WebhookDelivery): Promise<Response>;
  /** Changes GitLab's state as a person would, sending no webhook (what catch-up passes must find). */
  readonly changes: GitLabChanges;
  /** Stops the double; then rejects if it got requests for routes it does not implement (see above). */
  close(): Promise<void>;
}

const ROUTES: Route[] = [
  ...projectRoutes,
  ...tagRoutes,
  ...issueRoutes,
  ...mergeRequestRoutes,
  ...labelRoutes,
  ...uploadRoutes,
  ...memberRoutes,
  ...catchUpRoutes,
];

/** A GitLab REST v4 double on 127.0.0.1 with in-memory state; see the package README. */
export async function startGitLabDouble(opts: GitLabDoubleOptions = {}): Promise<GitLabDouble> {
  const token = opts.token ?? `glpat-${randomBytes(12).toString('hex')}`;
  const clock = opts.now ?? (() => new Date());
  const store = new GitLabStore(opts.now);
  const requests: LoggedRequest[] = [];
  const unknown = recordUnknownRoutes(
    'GitLab',
    "Teach the double the route (packages/testkit/src/gitlab/routes/, from GitLab's API docs) or fix the " +
      'caller; only a test that sends an unknown route on purpose starts its double with allowUnknownRoutes.',
    opts,
  );
  let faults: ActiveFault[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const deps: RouteDeps = {
    store,
    ser: createSerializer(() => baseUrl),
    keepUploadBytesUpTo: opts.keepUploadBytesUpTo ?? 16 * 1024 * 1024,
    ...(opts.maxAttachmentBytes !== undefined ? { maxAttachmentBytes: opts.maxAttachmentBytes } : {}),
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: '500 Internal Server Error' });
      else res.destroy(err as Error);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function atBarrier(fault: ActiveFault, count: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiting = (fault.waiting ??= []);
      waiting.push(resolve);
      const release = () => {
        for (const go of waiting.splice(0)) go();
      };
      if (waiting.length >= count) release();
      else setTimeout(release, 10_000).unref();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const entry: LoggedRequest = { method, path, query: queryToObject(url.searchParams), status: 0 };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const matched = matchRoute(ROUTES, method, path);
    if (matched instanceof HttpError) {
      entry.unknownRoute = true;
      unknown.add(method, path);
    }

    const fault = takeFault(faults, method, path, clock());
    if (fault?.barrier) await atBarrier(fault, fault.barrier);
    if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.network === 'reset') {
      entry.fault = true;
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.network === 'hang') {
      entry.fault = true;
      return; // never answered; the socket is destroyed on close()
    }
    if (fault && fault.status !== undefined) {
      entry.fault = true;
      req.resume();
      const r = faultResponse(fault, clock());
      res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) });
      res.end(r.body);
      return;
    }

    try {
      if (matched instanceof HttpError) throw matched;
      const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      if (req.headers['private-token'] !== token && bearer !== token) throw apiError(401, '401 Unauthorized');
      const body = matched.route.streamsBody ? {} : await readBody(req);
      entry.body = Object.keys(body).length ? body : undefined;
      const ctx: RouteContext = {
        req,
        res,
        method,
        url,
        params: matched.captures.map((p) => decodeURIComponent(p)),
        input: { ...entry.query, ...body },
        baseUrl,
        logBody: (b) => (entry.body = b),
      };
      await matched.route.handle(ctx, deps);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      req.resume();
      sendJson(res, err.status, err.body, err.headers);
    }
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    token,
    addProject: (input) => {
      const p = store.addProject(input);
      return { id: p.id, path: p.path };
    },
    addCommit: (project, input) => store.addCommit(project, input).id,
    createBranch: (project, name, ref) => store.createBranch(project, name, ref),
    addTag: (project, input) => store.addTag(project, input),
    addIssue: (project, input) => store.addIssue(project, input),
    addMergeRequest: (project, input) => store.addMergeRequest(project, input),
    addLabel: (project, input) => store.addLabel(project, input),
    addProjectMember: (project, member) => store.members.addProjectMember(store.project(project), member),
    addGroupMember: (groupPath, member) => store.members.addGroupMember(groupPath, member),
    state: (project) => store.project(project),
    commit: (project, sha) => store.findCommit(store.project(project), sha),
    get requests() {
      return requests;
    },
    clearRequests: () => {
      requests.length = 0;
    },
    unknownRequests: () => unknown.list(),
    injectFault: (fault) => {
      faults.push(toActiveFault(fault, clock()));
    },
    clearFaults: () => {
      faults = [];
    },
    setMaxAttachmentBytes: (bytes) => {
      if (bytes === undefined) delete deps.maxAttachmentBytes;
      else deps.maxAttachmentBytes = bytes;
    },
    sendWebhook: (targetUrl, delivery) => sendWebhook(baseUrl, targetUrl, delivery),
    changes: createGitLabChanges(store),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      const failure = unknown.failure();
      if (failure) throw failure;
    },
  };
}
