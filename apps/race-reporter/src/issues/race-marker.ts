/** Hidden markers: HTML comments GitLab does not render. Matching uses these, never titles. */
const FINGERPRINT = /<!-- race-reporter fingerprint=([0-9a-f]{16}) -->/;

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- race-reporter fingerprint=${fingerprint} -->`;
}

/** Identifies one write (an issue or a note), so a run interrupted after it can tell it happened. */
export function batchMarker(batch: string): string {
  return `<!-- race-reporter batch=${batch} -->`;
}

export function findFingerprint(text: string | null): string | null {
  return text ? (FINGERPRINT.exec(text)?.[1] ?? null) : null;
}
