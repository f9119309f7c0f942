/** A quick action GitLab would run: its name (lower case) and its argument text. */
export interface QuickAction {
  name: string;
  arg: string;
}

/**
 * Any command name: GitLab's extractor is built from the names of its
 * commands (`close|reopen|label|...`, case-insensitive); a reader that accepts
 * every name also sees commands added in later versions.
 */
export const ANY_COMMAND_NAME = '[a-z0-9_]+';
