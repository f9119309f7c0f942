import { oneOf } from '@devops/config';

export {
  createLogger,
  flushLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogFormat,
} from './create-logger';
export { createMasker, REDACTED } from './mask-secrets';

/** The logging settings every app shares. */
export const loggingSettings = {
  LOG_LEVEL: oneOf(['error', 'warn', 'info', 'debug'] as const, {
    default: 'info',
    description: 'Log level',
  }),
  LOG_FORMAT: oneOf(['json', 'pretty'] as const, {
    default: 'json',
    description: 'json: one JSON object per line; pretty: for humans',
  }),
};
