export { webhookSettings } from './settings';
