import { createHash } from 'node:crypto';
import type { Access } from './race-report';
import { findRaceFunction } from './find-race-function';

/**
 * Both accesses' functions (runtime frames skipped), sorted, hashed. Nothing
 * else goes in: no goroutine ids, addresses, line numbers, hosts or paths, so
 * the same race has the same fingerprint everywhere. 16 hex digits (64 bits).
 */
export function fingerprintRace(accesses: Access[]): string {
  const first = findRaceFunction(accesses[0]);
  return fingerprintFunctions(first, accesses.length > 1 ? findRaceFunction(accesses[1]) : first);
}

/** The fingerprint of a race between the functions of its first and second access. */
export function fingerprintFunctions(first: string, second: string): string {
  const functions = [first, second].sort();
  return createHash('sha256')
    .update(`go-data-race\n${functions.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}
