/** Byte sources for the reader: a file read with positioned reads (flat memory), or bytes already in memory. */
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { WnvError } from "../bytes/errors.js";

export interface ByteSource {
  readonly size: number;
  readonly name: string;
  /** Reads up to `len` bytes at file position `pos` into `dst` at `dstOff`; returns the count read. */
  read(dst: Uint8Array, dstOff: number, len: number, pos: number): number;
  close(): void;
}

export function fileSource(path: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new WnvError("unreadable", `cannot open ${path}: ${code === "ENOENT" ? "no such file" : code}`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new WnvError("unreadable", `${path} is not a regular file`);
  }
  let open = true;
  return {
    size: st.size,
    name: path,
    read(dst, dstOff, len, pos) {
      let done = 0;
      while (done < len) {
        const n = readSync(fd, dst, dstOff + done, len - done, pos + done);
        if (n <= 0) break;
        done += n;
      }
      return done;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export function memorySource(bytes: Uint8Array, name = "<memory>"): ByteSource {
  return {
    size: bytes.length,
    name,
    read(dst, dstOff, len, pos) {
      const n = Math.max(0, Math.min(len, bytes.length - pos));
      dst.set(bytes.subarray(pos, pos + n), dstOff);
      return n;
    },
    close() {},
  };
}
