export interface HostileScale {
  hugeLines: number;
  hugeLineBytes: number;
  garbageMiB: number;
  bombMiB: number;
  tinyReports: number;
  tinyRaces: number;
}
interface Expected {
  path: string;
  functions: string[];
}
export interface HostileCorpus {
  huge: Expected;
  garbage: Expected;
  bomb: Expected;
  noEnd: Expected & { unclosedAt: number };
  tiny: { path: string; races: number; reports: number };
}
export function writeHostileCorpus(dir: string, scale: HostileScale): Promise<HostileCorpus>;
export function report(fnA: string, fnB: string, n?: number): string;
