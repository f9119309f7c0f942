import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const TEMPLATE = path.join(__dirname, '../ci/lib-tagger.gitlab-ci.yml');

interface Rule {
  if?: string;
  when?: string;
}
interface Job {
  stage?: string;
  image?: { name: string; entrypoint?: string[] } | string;
  variables?: Record<string, string>;
  rules?: Rule[];
  resource_group?: string;
  script?: string[];
  artifacts?: { reports?: { dotenv?: string | string[] } };
  interruptible?: boolean;
  only?: unknown;
  except?: unknown;
}

/**
 * GitLab's rules evaluation for the expression forms the template uses: `$A`, `$A == $B`,
 * `$A == "text"`, `$A != ...`. The first rule whose `if` matches decides; none → the job is not added.
 * Anything else throws, so a template change this cannot read fails the test instead of passing it.
 */
function jobRuns(rules: Rule[], env: Record<string, string>): boolean {
  const value = (term: string): string | null => {
    const t = term.trim();
    if (/^\$\w+$/.test(t)) return env[t.slice(1)] ?? null;
    const q = /^"(.*)"$|^'(.*)'$/.exec(t);
    if (q) return q[1] ?? q[2] ?? '';
    throw new Error(`unsupported term ${t}`);
  };
  const holds = (expr: string): boolean => {
    const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(expr.trim());
    if (!m) {
      const v = value(expr);
      return v !== null && v !== '';
    }
    const equal = value(m[1]!) === value(m[3]!);
    return m[2] === '==' ? equal : !equal;
  };
  for (const rule of rules) {
    if (rule.if === undefined || holds(rule.if)) return (rule.when ?? 'on_success') !== 'never';
  }
  return false;
}

describe('ci/lib-tagger.gitlab-ci.yml', () => {
  const doc = parse(readFileSync(TEMPLATE, 'utf8')) as Record<string, Job>;
  const job = doc['lib-tagger']!;

  it('defines one lib-tagger job and nothing global that would leak into the including project', () => {
    expect(job).toBeDefined();
    expect(Object.keys(doc)).toEqual(['lib-tagger']);
    expect(job.only).toBeUndefined();
    expect(job.except).toBeUndefined();
  });

  const pipelines: [string, Record<string, string>, boolean][] = [
    [
      'a push to the default branch',
      { CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'push' },
      true,
    ],
    [
      'a scheduled pipeline on the default branch',
      { CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'schedule' },
      true,
    ],
    [
      'a push to another branch',
      { CI_COMMIT_BRANCH: 'feature/1-x', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'push' },
      false,
    ],
    [
      'a tag pipeline',
      {
        CI_COMMIT_TAG: 'v1.2.3',
        CI_COMMIT_REF_NAME: 'v1.2.3',
        CI_DEFAULT_BRANCH: 'main',
        CI_PIPELINE_SOURCE: 'push',
      },
      false,
    ],
    [
      'a tag named like the default branch',
      { CI_COMMIT_TAG: 'main', CI_COMMIT_REF_NAME: 'main', CI_DEFAULT_BRANCH: 'main' },
      false,
    ],
    [
      'a merge request pipeline',
      { CI_MERGE_REQUEST_IID: '4', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_SOURCE: 'merge_request_event' },
      false,
    ],
    [
      'a project whose default branch is master',
      { CI_COMMIT_BRANCH: 'master', CI_DEFAULT_BRANCH: 'master' },
      true,
    ],
  ];
  it.each(pipelines)('on %s: runs=%s', (_what, env, runs) => {
    expect(jobRuns(job.rules ?? [], env)).toBe(runs);
  });

  it('never runs on tag pipelines: the CI_COMMIT_TAG rule comes first and says never', () => {
    expect(job.rules?.[0]).toEqual({ if: '$CI_COMMIT_TAG', when: 'never' });
    expect(job.rules).toContainEqual({ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' });
  });

  it('is serialised with resource_group lib-tagger and never cancelled half-way', () => {
    expect(job.resource_group).toBe('lib-tagger');
    expect(job.interruptible).toBe(false);
  });

  it('runs the image ${LIB_TAGGER_IMAGE}, by default the released one in the instance registry, through its CLI', () => {
    const image = typeof job.image === 'string' ? { name: job.image } : job.image!;
    expect(image.name).toBe('${LIB_TAGGER_IMAGE}');
    expect(job.variables?.LIB_TAGGER_IMAGE).toMatch(
      /^\$\{CI_REGISTRY\}\/[\w./-]+\/lib-tagger:\d+\.\d+\.\d+$/,
    );
    expect(image.entrypoint).toEqual(['']);
    expect(job.script?.join('\n')).toMatch(/node "?\$\{?LIB_TAGGER_MAIN\}?"?/);
    expect(job.variables?.LIB_TAGGER_MAIN).toBe('/srv/apps/lib-tagger/dist/main.js');
  });

  it('publishes the dotenv report the CLI writes', () => {
    const dotenv = job.artifacts?.reports?.dotenv;
    expect(dotenv).toBeDefined();
    expect(job.variables?.LIB_TAGGER_DOTENV).toBeDefined();
    expect([dotenv].flat()).toContain(job.variables!.LIB_TAGGER_DOTENV);
  });

  it('takes GITLAB_TOKEN from a masked CI/CD variable, never from the file', () => {
    expect(job.variables ?? {}).not.toHaveProperty('GITLAB_TOKEN');
    const text = readFileSync(TEMPLATE, 'utf8');
    expect(text).not.toMatch(/glpat-|CI_JOB_TOKEN/);
    expect(text).toMatch(/GITLAB_TOKEN[\s\S]{0,200}masked/);
  });
});
