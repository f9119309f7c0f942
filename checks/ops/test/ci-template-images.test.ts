/**
 * The CI templates run the images the suite's own pipeline pushes: `$CI_REGISTRY/<suite project>/<app>`
 * at the release the template belongs to, so a library that includes a template needs no image setting.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { read, root } from './support/workspace';

const TEMPLATES: [string, string, string, string][] = [
  // app, template, job, image variable
  ['lib-tagger', 'apps/lib-tagger/ci/lib-tagger.gitlab-ci.yml', 'lib-tagger', 'LIB_TAGGER_IMAGE'],
  [
    'release-api',
    'apps/release-api/ci/release-upload.gitlab-ci.yml',
    '.release-upload',
    'RELEASE_UPLOAD_IMAGE',
  ],
];

describe.each(TEMPLATES)('%s CI template (%s)', (app, file, jobName, variable) => {
  const text = read(file);
  const job = (
    YAML.parse(text) as Record<string, { image: { name: string }; variables: Record<string, string> }>
  )[jobName]!;
  const version = (JSON.parse(read(`apps/${app}/package.json`)) as { version: string }).version;
  const suiteProject = /project:\s*(\S+)\s+# where this repository lives/.exec(text)?.[1];

  it('names the suite project to include it from', () => {
    expect(suiteProject).toMatch(/^[\w.-]+\/[\w./-]+$/);
  });

  it(`defaults ${variable} to the suite's image at this release in the instance's registry`, () => {
    expect(job.image.name).toBe(`\${${variable}}`);
    expect(job.variables[variable]).toBe(`\${CI_REGISTRY}/${suiteProject}/${app}:${version}`);
    expect(text).not.toMatch(/registry\.example\.com/);
  });

  it("is what the suite's tag pipeline pushes: $CI_REGISTRY_IMAGE/<app>:<tag without v>", () => {
    const suite = read('.gitlab-ci.yml');
    expect(suite).toContain('image="$CI_REGISTRY_IMAGE/$APP"');
    expect(suite).toContain('extra="${CI_COMMIT_TAG#v}"');
    expect(fs.existsSync(path.join(root, 'apps', app, 'Dockerfile'))).toBe(true);
  });
});
