import { bytes, integer, list, SettingProblem, text, type Setting } from '@devops/config';
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
  RELEASE_SCRIPT_ENV: scriptEnvNames(),
  ...databaseSettings,
};

/**
 * RELEASE_SCRIPT_ENV: comma-separated names of variables the release script gets
 * besides PATH, HOME, LANG, TZ and RELEASE_<KEY>. Never one of this service's
 * own settings (the shared secret, DATABASE_URL, ...) nor a RELEASE_ name.
 */
function scriptEnvNames(): Setting<string[]> {
  const names = list({
    default: [],
    description:
      'Comma-separated names of variables the release script also gets (it always gets PATH, HOME, LANG, TZ and RELEASE_<KEY>; nothing else of this environment)',
  });
  return {
    ...names,
    parse(raw) {
      const items = names.parse(raw);
      for (const name of items) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new SettingProblem(`"${name}" is not a variable name`);
        }
        if (name.startsWith('RELEASE_') || Object.hasOwn(settings, name)) {
          throw new SettingProblem(`${name} is this service's own setting: it never reaches the script`);
        }
      }
      return items;
    },
  };
}
