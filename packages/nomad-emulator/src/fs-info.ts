/** AllocFileInfo as Nomad renders it: Go's os.FileMode string, RFC3339 ModTime, http.DetectContentType-like sniffing. */
import { constants, type Stats } from "node:fs";
import { open } from "node:fs/promises";

/** One entry of `ls`, or the `stat` object (which adds ContentType). */
export interface AllocFileInfo {
  Name: string;
  IsDir: boolean;
  Size: number;
  FileMode: string;
  ModTime: string;
  ContentType?: string;
}

/** Go's FileMode.String(): type letters in the order of "dalTLDpSugct?", then rwx bits, `-` when no type letter. */
export function goFileMode(st: Stats): string {
  const kind = st.mode & constants.S_IFMT;
  let prefix = "";
  if (kind === constants.S_IFDIR) prefix += "d";
  if (kind === constants.S_IFLNK) prefix += "L";
  if (kind === constants.S_IFBLK || kind === constants.S_IFCHR) prefix += "D";
  if (kind === constants.S_IFIFO) prefix += "p";
  if (kind === constants.S_IFSOCK) prefix += "S";
  if (st.mode & 0o4000) prefix += "u";
  if (st.mode & 0o2000) prefix += "g";
  if (kind === constants.S_IFCHR) prefix += "c";
  if (st.mode & 0o1000) prefix += "t";
  const rwx = "rwxrwxrwx";
  let perms = "";
  for (let i = 0; i < 9; i++) perms += st.mode & (1 << (8 - i)) ? rwx[i] : "-";
  return (prefix || "-") + perms;
}

/** The info object for a name and its stats. */
export function fileInfo(name: string, st: Stats): AllocFileInfo {
  return { Name: name, IsDir: st.isDirectory(), Size: st.size, FileMode: goFileMode(st), ModTime: st.mtime.toISOString() };
}

function startsWith(buf: Buffer, sig: number[]): boolean {
  return sig.every((b, i) => buf[i] === b);
}

/** A small subset of Go's http.DetectContentType over the first 512 bytes. */
export function sniffContentType(head: Buffer): string {
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return "application/x-gzip";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47])) return "image/png";
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return "application/zip";
  const text = head.toString("latin1").trimStart().toLowerCase();
  if (text.startsWith("<!doctype html") || text.startsWith("<html")) return "text/html; charset=utf-8";
  if (text.startsWith("<?xml")) return "text/xml; charset=utf-8";
  for (const b of head) {
    // Go's "binary data byte" set: control bytes other than TAB, LF, FF, CR, ESC.
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return "application/octet-stream";
  }
  return "text/plain; charset=utf-8";
}

/** Reads up to 512 bytes of a regular file and sniffs it; directories and unreadables get "". */
export async function detectContentType(hostPath: string, st: Stats): Promise<string> {
  if (!st.isFile()) return "";
  try {
    const fh = await open(hostPath, "r");
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, 512, 0);
      return sniffContentType(buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch {
    return "";
  }
}
