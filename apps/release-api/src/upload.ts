import fs from 'node:fs/promises';
import path from 'node:path';
import { startMain, EXIT } from '@devops/cli';
import { text } from '@devops/config';
import { ConfigError, type ConfigProblem } from '@devops/errors';
import { fetchReleases } from './upload/fetch-releases';
import { formatReleaseTable } from './upload/format-release-table';
import { hashFile } from './upload/hash-file';
import { sendRelease } from './upload/send-release';
import { sendWithRetry } from './upload/send-with-retry';
import { showProgress } from './upload/show-progress';

const settings = {
  RELEASE_SHARED_SECRET: text({
    required: true,
    secret: true,
    description: 'The release-api shared secret (sent as Authorization: Bearer)',
    hint: 'set it from a masked CI/CD variable',
  }),
};

startMain({
  name: 'release-upload',
  summary:
    'uploads a release artifact (.tgz) to release-api: computes its MD5, streams it with its metadata and prints the JSON answer.',
  usage: [
    'node apps/release-api/dist/upload.js --url URL --product P --version V [--field key=value]... FILE',
    'node apps/release-api/dist/upload.js --url URL --list [--product P] [--json]',
  ].join('\n'),
  options: {
    url: { type: 'string' },
    product: { type: 'string' },
    version: { type: 'string' },
    field: { type: 'string', multiple: true },
    list: { type: 'boolean' },
    json: { type: 'boolean' },
    retries: { type: 'string' },
  },
  optionsHelp: [
    '--url URL           release-api base URL, e.g. https://releases.example.com',
    '--product P         product name',
    '--version V         version',
    '--field key=value   a metadata field (repeatable), e.g. --field channel=stable',
    'FILE                the .tgz to upload',
    '--retries N         times to send it again when it surely was not taken: no connection, cut',
    "                    before its end, 429, 502 (a proxy's when a replica died), 503; default 4",
    '--list              list what was published (newest first) instead of uploading;',
    '                    with --product P only that product; --json prints the JSON array',
    '',
    "Upload: prints the server's JSON answer on stdout; exit 0 on 200/201, 1 otherwise.",
  ].join('\n'),
  schema: settings,
  logTo: 'stderr',
  async run({ config, flags, positionals, log, stdout, stderr }) {
    const problems: ConfigProblem[] = [];
    if (flags.list) {
      if (typeof flags.url !== 'string' || flags.url === '')
        throw new ConfigError([{ variable: '--url', reason: 'is required' }]);
      const releases = await fetchReleases({
        url: flags.url,
        secret: config.RELEASE_SHARED_SECRET,
        product: typeof flags.product === 'string' ? flags.product : undefined,
      });
      stdout.write(flags.json ? `${JSON.stringify(releases, null, 2)}\n` : formatReleaseTable(releases));
      log.info(`${releases.length} release(s) listed`);
      return EXIT.ok;
    }
    for (const name of ['url', 'product', 'version'] as const) {
      if (typeof flags[name] !== 'string' || flags[name] === '')
        problems.push({ variable: `--${name}`, reason: 'is required' });
    }
    if (positionals.length !== 1)
      problems.push({ variable: 'FILE', reason: 'give exactly one file to upload' });
    const fields: [string, string][] = [];
    for (const f of (flags.field as string[] | undefined) ?? []) {
      const eq = f.indexOf('=');
      if (eq <= 0) problems.push({ variable: '--field', reason: `"${f}" is not key=value` });
      else fields.push([f.slice(0, eq), f.slice(eq + 1)]);
    }
    // Digits only: Number() would take '' as 0 and '1e1' as 10.
    const retries =
      flags.retries === undefined ? 4 : /^\d{1,2}$/.test(String(flags.retries)) ? Number(flags.retries) : NaN;
    if (!(retries >= 0 && retries <= 20))
      problems.push({ variable: '--retries', reason: 'must be a whole number from 0 to 20' });
    if (problems.length) throw new ConfigError(problems);
    const file = path.resolve(positionals[0]!);
    const size = (await fs.stat(file)).size;

    const hashing = showProgress(stderr, 'md5   ', size);
    const { md5, sha256 } = await hashFile(file, (n) => hashing.add(n));
    hashing.stop();
    log.info(
      `uploading ${path.basename(file)} (${size} bytes, md5 ${md5}) as ${String(flags.product)} ${String(flags.version)}`,
    );

    const answer = await sendWithRetry(
      async (attempt) => {
        const sending = showProgress(stderr, attempt === 1 ? 'upload' : `retry ${attempt - 1}`, size);
        try {
          return await sendRelease({
            url: flags.url as string,
            secret: config.RELEASE_SHARED_SECRET,
            fields: [
              ['product', flags.product as string],
              ['version', flags.version as string],
              ['md5', md5],
              ['sha256', sha256],
              ...fields,
            ],
            file,
            size,
            onBytes: (n) => sending.add(n),
          });
        } finally {
          sending.stop();
        }
      },
      { retries, baseDelayMs: 1_000, log },
    );
    stdout.write(answer.body.endsWith('\n') ? answer.body : `${answer.body}\n`);
    if (answer.status === 200 || answer.status === 201) {
      log.info(answer.status === 201 ? 'published' : 'already published with the same content');
      return EXIT.ok;
    }
    log.error(`release-api answered ${answer.status}`);
    return EXIT.failure;
  },
});
