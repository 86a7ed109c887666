/** Reads what an ELF executable is built for: machine, and its program interpreter (libc). */
import { readFileSync } from "node:fs";

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export interface ElfInfo {
  readonly machine: number;
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2 (glibc) or /lib/ld-musl-x86_64.so.1 (musl). */
  readonly interpreter: string | undefined;
}

export function readElf(path: string): ElfInfo {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  if (b[4] !== 2 || b[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF`);
  const machine = b.readUInt16LE(18);
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  let interpreter: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (b.readUInt32LE(at) === 3 /* PT_INTERP */) {
      const offset = Number(b.readBigUInt64LE(at + 8));
      const size = Number(b.readBigUInt64LE(at + 32));
      interpreter = b
        .subarray(offset, offset + size)
        .toString("latin1")
        .replace(/\0+$/, "");
    }
  }
  return { machine, interpreter };
}
