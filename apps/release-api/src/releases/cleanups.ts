/** Undo actions gathered while an upload proceeds, run last-first when it is over. */
export interface Cleanups {
  add(undo: () => Promise<void> | void): void;
  /** Runs every action once, last added first; one failing does not stop the others. */
  run(): Promise<void>;
}

export function createCleanups(onError: (err: unknown) => void): Cleanups {
  const actions: Array<() => Promise<void> | void> = [];
  return {
    add(undo) {
      actions.push(undo);
    },
    async run() {
      for (let undo = actions.pop(); undo; undo = actions.pop()) {
        try {
          await undo();
        } catch (err) {
          onError(err);
        }
      }
    },
  };
}
