// Only the setting: the package's index loads pg (~17 MiB RSS), which a service without DATABASE_URL never needs.
export { databaseSettings } from '@devops/db/dist/settings';
