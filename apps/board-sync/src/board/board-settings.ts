import { resolveBoardLabel } from './resolve-board-label';

/** The board settings as SPEC names them. */
export interface BoardConfig {
  BOARD_LABELS: string[];
  BOARD_ON_OPEN: string;
  BOARD_ON_MERGE: string;
  BOARD_ON_DRAFT: string;
  BOARD_ON_CLOSE: string;
  BOARD_ON_BRANCH: string;
}

export type BoardTarget =
  | 'BOARD_ON_OPEN'
  | 'BOARD_ON_MERGE'
  | 'BOARD_ON_DRAFT'
  | 'BOARD_ON_CLOSE'
  | 'BOARD_ON_BRANCH';

/** The board label a setting moves issues to, or null when the setting is empty. */
export function boardLabelFor(config: BoardConfig, setting: BoardTarget): string | null {
  const value = config[setting].trim();
  return value ? resolveBoardLabel(value, config.BOARD_LABELS) : null;
}
