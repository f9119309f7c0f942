/** Always passed to the release script when the service has them (SPEC "release-api"). */
export const SCRIPT_ENV_BASE = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/**
 * The environment a release script starts from: only `PATH`, `HOME`, `LANG`,
 * `TZ` and the variables named in RELEASE_SCRIPT_ENV, taken from the service's
 * environment where set (the release's RELEASE_<KEY> entries are added per
 * run). Nothing else of the service's environment reaches the script: not its
 * settings, not the shared secret, not another app's token that compose or
 * Kubernetes put beside them.
 */
export function scriptEnvironment(
  env: Record<string, string | undefined>,
  extraNames: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...SCRIPT_ENV_BASE, ...extraNames]) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
