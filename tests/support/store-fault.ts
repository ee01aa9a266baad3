import { execFileSync } from 'node:child_process';
import { chmodSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The `events` table's directory under a chdb data directory. chdb runs inside the server
 * process, so there is no connection to cut; making this directory unwritable is the
 * honest fault (a read-only disk): inserts fail while reads keep working.
 */
export function eventsTableDir(dataDir: string): string {
  return realpathSync(path.join(dataDir, 'chdb', 'data', 'default', 'events'));
}

/** root ignores file modes, so as root the directory is made immutable instead. */
export function setWritable(dir: string, writable: boolean): void {
  if (process.getuid?.() === 0) execFileSync('chattr', [writable ? '-i' : '+i', dir]);
  else chmodSync(dir, writable ? 0o755 : 0o555);
}
