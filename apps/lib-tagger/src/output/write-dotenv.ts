import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The dotenv report for GitLab CI (`artifacts: reports: dotenv`): `KEY=value` lines that later jobs
 * receive as variables. Values are tag names (prefix + version), which never need quoting; anything
 * else is refused rather than written in a form GitLab would misread.
 */
export async function writeDotenv(
  filePath: string,
  values: { tag: string | null; previous: string | null },
): Promise<void> {
  const lines = [
    ['LIB_TAGGER_TAG', values.tag ?? ''],
    ['LIB_TAGGER_PREVIOUS', values.previous ?? ''],
  ].map(([key, value]) => {
    if (!/^[A-Za-z0-9._/+-]*$/.test(value!)) throw new Error(`cannot write ${key}=${value} to a dotenv file`);
    return `${key}=${value}`;
  });
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, `${lines.join('\n')}\n`, 'utf8');
}
