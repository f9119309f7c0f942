export { classifyStatus, type FailureKind } from './classify-status';
export { NETWORK_ERROR_CODES, NOT_SENT_ERROR_CODES } from './network-error-codes';
export { findErrorCode } from './find-error-code';
export { retryAfterMs, type HeaderSource } from './retry-after-ms';
export { toStatusError } from './to-status-error';
export { toNetworkError } from './to-network-error';
export { mayResend } from './may-resend';
export { backoffDelay } from './backoff-delay';
export { runWithRetry, type RetryHooks, type RetryOptions } from './run-with-retry';
