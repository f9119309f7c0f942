export * from './settings';
export { readEnvironment, loadConfig, secretValues, describeSettings, type Env } from './load-config';
