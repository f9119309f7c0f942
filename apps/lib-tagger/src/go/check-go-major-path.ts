import { parseGoModulePath } from './parse-go-module-path';

export type GoModuleCheck =
  | { ok: true; modulePath: string | null; note?: string }
  | { ok: false; modulePath: string | null; reason: string };

/**
 * Go's major version suffix rule (https://go.dev/ref/mod#major-version-suffixes):
 * from v2 on, a module's path must end in `/vN` (`.vN` for gopkg.in), or `go get`
 * cannot use the tag. `goMod` is the file's text at the commit, or null when absent.
 */
export function checkGoMajorPath(
  goMod: string | null,
  opts: { major: number; tag: string; goModPath: string },
): GoModuleCheck {
  const { major, tag, goModPath } = opts;
  if (major < 2) return { ok: true, modulePath: null };
  if (goMod === null) {
    return {
      ok: true,
      modulePath: null,
      note: `${goModPath} does not exist at this commit: not a Go module, the /v${major} path rule is not checked`,
    };
  }
  const modulePath = parseGoModulePath(goMod);
  if (modulePath === null) {
    return {
      ok: false,
      modulePath,
      reason: `${goModPath} has no module line, so Go cannot consume tag ${tag}; add "module <path>/v${major}" and push again`,
    };
  }
  const gopkg = modulePath.startsWith('gopkg.in/');
  const suffix = gopkg ? `.v${major}` : `/v${major}`;
  if (modulePath.endsWith(suffix)) return { ok: true, modulePath };
  const base = modulePath.replace(gopkg ? /\.v\d+$/ : /\/v\d+$/, '');
  const wanted = `${base}${suffix}`;
  return {
    ok: false,
    modulePath,
    reason:
      `tag ${tag} is major version ${major}, but ${goModPath} declares "module ${modulePath}": ` +
      `Go requires the module path of v${major} to end in ${suffix}, so no one could "go get" this tag. ` +
      `Change the line to "module ${wanted}" (and the imports inside the module to match), then push again.`,
  };
}
