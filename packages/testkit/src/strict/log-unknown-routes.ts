import type { StrictnessOptions } from './record-unknown-routes';

/**
 * Options for a double that serves whoever calls it (`main.ts`, `pnpm start`, the demo): a route it does
 * not implement is answered as the real API would and logged loudly, one `warn` JSON line per request on
 * `write` (default stderr), never a failure.
 */
export function logUnknownRoutes(
  double: string,
  write: (line: string) => void = (line) => process.stderr.write(line),
): StrictnessOptions {
  return {
    allowUnknownRoutes: true,
    onUnknownRequest: ({ method, path }) =>
      write(
        `${JSON.stringify({
          level: 'warn',
          msg: `UNKNOWN ROUTE: the ${double} double does not implement ${method} ${path}; answered as ${double} answers an unknown route`,
          double,
          method,
          path,
        })}\n`,
      ),
  };
}
