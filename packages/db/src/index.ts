export { databaseSettings } from './settings';
export { openDatabase, type Database, type DatabaseHealth, type OpenDatabaseOptions } from './open-database';
export { migrate, type Migration, type MigrateResult } from './migrate';
export { classifyDatabaseError, isTemporaryDatabaseError } from './classify-database-error';
export { tryAdvisoryLock, type AdvisoryLockOptions } from './try-advisory-lock';
export { describeDatabaseUrl } from './describe-database-url';
export type { PoolClient as DatabaseClient } from 'pg';
