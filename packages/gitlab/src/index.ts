export { gitlabSettings } from './settings';
