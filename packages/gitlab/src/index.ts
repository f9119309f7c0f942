export { gitlabSettings } from './settings';
export type * from './port';
