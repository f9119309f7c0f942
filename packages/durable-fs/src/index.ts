export { writeFileDurably, type WriteDurablyOptions } from './write-file-durably';
export { syncDir } from './sync-dir';
export { makeDirDurably } from './make-dir-durably';
export { tryLock, type ReleaseLock, type TryLockOptions } from './try-lock';
export { createDirSync, type DirSync } from './create-dir-sync';
