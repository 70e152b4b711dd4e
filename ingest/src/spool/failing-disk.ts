import { open } from 'node:fs/promises';
import type { OpenSpoolFile, SpoolFile } from './spool';

/** A spool disk for tests that fills up, as a real one does: see `createFailingDisk`. */
export interface FailingDisk {
  openFile: OpenSpoolFile;
  /** Bytes appends may still write before the disk is full; undefined: no limit. */
  room: number | undefined;
  /** Cutting a file back fails too (a disk gone read-only after the error). */
  truncateFails: boolean;
  /** Appends that failed with ENOSPC so far. */
  failures: number;
}

const diskFull = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });

/**
 * Real files whose appends fail with ENOSPC once `room` bytes are used, after writing the part
 * that still fit (write(2) on a filling disk writes short, and the next write fails).
 */
export function createFailingDisk(): FailingDisk {
  const disk: FailingDisk = {
    room: undefined,
    truncateFails: false,
    failures: 0,
    async openFile(path) {
      const handle = await open(path, 'a');
      const file: SpoolFile = {
        async appendFile(data) {
          const bytes = Buffer.from(data);
          if (disk.room === undefined || bytes.length <= disk.room) {
            await handle.appendFile(bytes);
            if (disk.room !== undefined) disk.room -= bytes.length;
            return;
          }
          await handle.appendFile(bytes.subarray(0, disk.room));
          disk.room = 0;
          disk.failures++;
          throw diskFull();
        },
        datasync: () => handle.datasync(),
        async truncate(length) {
          if (disk.truncateFails)
            throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
          await handle.truncate(length);
        },
        close: () => handle.close(),
      };
      return file;
    },
  };
  return disk;
}
