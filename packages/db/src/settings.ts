import { text } from '@devops/config';

/**
 * The optional `DATABASE_URL` setting, for an app's settings schema:
 * `{ ...databaseSettings, ... }`. Secret, so the logger masks it and a
 * problem never echoes it (its password in particular).
 */
export const databaseSettings = {
  DATABASE_URL: text({
    description:
      'PostgreSQL URL (postgres://user:password@host:5432/database): state in PostgreSQL so several replicas can run; unset: local files, one replica',
    secret: true,
    minLength: 1, // its password is checked by PostgreSQL, not by the suite
    pattern: /^postgres(?:ql)?:\/\/\S+$/,
    patternText: 'a postgres:// URL (postgres://user:password@host:5432/database)',
  }),
};
