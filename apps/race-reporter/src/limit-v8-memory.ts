import v8 from 'node:v8';

/**
 * V8 settings that keep a run's peak RSS down (the command takes no node flags, so they are set at
 * run time; see README, Benchmark, for the measurements). Imported first by main.ts, so the young
 * generation does not grow while the modules load.
 *
 * - `--liftoff-only`: fetch's HTTP parser is llhttp compiled to WebAssembly, and V8's background
 *   TurboFan tier-up of that module briefly takes ~27 MB (VmHWM 83 MB vs 55 MB for one fetch in a bare
 *   process). Liftoff, the baseline wasm compiler, is plenty for a few dozen GitLab responses. Must be
 *   set before the first fetch compiles the module.
 * - `--semi-space-growth-factor=1`: the young generation keeps its current size instead of doubling
 *   (to 16 MB per semi-space) under the scan's steady trickle of garbage.
 */
export function limitV8Memory(): void {
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

limitV8Memory();
