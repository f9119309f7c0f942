import { oneOf, text } from '@devops/config';
import { gitlabSettings } from '@devops/gitlab';

export const settings = {
  ...gitlabSettings({ urlFallback: 'CI_SERVER_URL' }),
  CI_PROJECT_ID: text({ required: true, description: 'Project id (set by GitLab CI)' }),
  CI_COMMIT_SHA: text({
    required: true,
    pattern: /^[0-9a-f]{7,64}$/,
    patternText: 'a commit SHA',
    description: 'Commit to tag (set by GitLab CI)',
  }),
  CI_COMMIT_BRANCH: text({
    description: 'Branch of the pipeline (set by GitLab CI; unset on tag and MR pipelines)',
  }),
  CI_DEFAULT_BRANCH: text({ required: true, description: "Project's default branch (set by GitLab CI)" }),
  CI_COMMIT_MESSAGE: text({
    description: 'Commit message (set by GitLab CI; read from the API when absent)',
  }),
  LIB_TAGGER_PREFIX: text({
    default: 'v',
    // Characters git allows in a tag name and GitLab dotenv reports carry unquoted; no "..", no leading "/".
    pattern: /^(?!.*\.\.)(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_.-]*$/,
    patternText: 'a tag prefix such as v or sub/v (letters, digits, . _ - and / between folder names)',
    description: 'Tag prefix: v, or sub/v for a Go module in folder sub',
  }),
  LIB_TAGGER_INITIAL: text({
    default: '0.1.0',
    pattern: /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$/,
    patternText: 'a MAJOR.MINOR.PATCH version without prefix or leading zeros, e.g. 0.1.0',
    description: 'First version when no tag exists',
  }),
  LIB_TAGGER_BUMP: oneOf(['patch', 'conventional'] as const, {
    default: 'patch',
    description: 'patch, or conventional (feat → minor, ! / BREAKING CHANGE → major)',
  }),
  LIB_TAGGER_DOTENV: text({
    description: 'Optional path: writes LIB_TAGGER_TAG and LIB_TAGGER_PREVIOUS for a dotenv report',
  }),
};
