import { hash } from 'node:crypto';
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

/**
 * The fingerprint of a race between the functions of its first and second access: called for every
 * report, so it makes no array and no Hash object (garbage V8 may choose to allocate in the old
 * generation), only the hashed text and the hash.
 */
export function fingerprintFunctions(first: string, second: string): string {
  const functions = first <= second ? `${first}\n${second}` : `${second}\n${first}`;
  return hash('sha256', `go-data-race\n${functions}`, 'hex').slice(0, 16);
}
