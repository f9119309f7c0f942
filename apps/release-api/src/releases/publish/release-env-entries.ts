import { artifactName, type ReleaseRecord } from './release-record';
import { envKey } from '../receive/validate-fields';

/**
 * The `RELEASE_<KEY>` entries of a release, in SPEC order: the base ones
 * (PRODUCT, VERSION, MD5, SHA256, SIZE, FILE), then every field as sent.
 * What release.env holds and what the release script gets in its environment.
 */
export function releaseEnvEntries(
  record: Pick<ReleaseRecord, 'product' | 'version' | 'md5' | 'sha256' | 'size' | 'fields'>,
): [string, string][] {
  return [
    ['RELEASE_PRODUCT', record.product],
    ['RELEASE_VERSION', record.version],
    ['RELEASE_MD5', record.md5],
    ['RELEASE_SHA256', record.sha256],
    ['RELEASE_SIZE', String(record.size)],
    ['RELEASE_FILE', artifactName(record.product, record.version)],
    ...Object.entries(record.fields).map(([name, value]): [string, string] => [envKey(name), value]),
  ];
}
