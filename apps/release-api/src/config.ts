import { bytes, integer, text } from '@devops/config';
import { databaseSettings } from '@devops/db/settings';
import { serverSettings } from '@devops/http-service';

export const settings = {
  ...serverSettings(3001),
  RELEASE_SHARED_SECRET: text({
    required: true,
    secret: true,
    description:
      'Shared secret build servers send (Authorization: Bearer, or a secret field before the file)',
    hint: 'generate one (e.g. openssl rand -hex 32) and give it to the build servers',
  }),
  RELEASE_DIR: text({ default: './data/releases', description: 'Where releases are stored' }),
  RELEASE_PRODUCTS_FILE: text({
    description: 'Optional JSON file of products: required fields, script, timeout',
  }),
  RELEASE_MAX_BYTES: bytes({ default: 10 * 1024 ** 3, description: 'Largest accepted artifact' }),
  RELEASE_SCRIPT_TIMEOUT: integer({
    default: 900,
    min: 1,
    description: "Seconds a product's release script may run",
  }),
  RELEASE_IDLE_TIMEOUT: integer({
    default: 30,
    min: 1,
    description: 'Seconds a request may send nothing (headers or body) before its connection is closed',
  }),
  RELEASE_MAX_UNVERIFIED: integer({
    default: 16,
    min: 1,
    description: 'Uploads read at once before their secret is verified; more are answered 503',
  }),
  ...databaseSettings,
};
