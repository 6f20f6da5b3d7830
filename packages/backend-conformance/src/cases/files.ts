/** File cases: binary and large round trips, awkward paths, parent dirs, modes, and the file errors. */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "vitest";
import { allBytes, expectCoreError, hashStream, readAll, run, scratchDir } from "../case-helpers.js";
import type { ConformanceCase } from "../conformance-case.js";

const LARGE_FILE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

/** Random bytes produced lazily in chunks, with the sha256 of everything produced. */
function randomSource(total: number): { stream: Readable; sha256: () => string } {
  const hash = createHash("sha256");
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(CHUNK_BYTES, total - produced));
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest("hex") };
}

/** Every file case, in the order testBackend registers them. */
export const filesCases: ConformanceCase[] = [
  {
    id: "files/binary-round-trip",
    title: "all 256 byte values round-trip through writeFile and readFile",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const path = `${scratchDir("binary")}/bytes.bin`;
      await ctx.backend.writeFile(sandbox, path, new Uint8Array(allBytes()));
      const back = await readAll(await ctx.backend.readFile(sandbox, path));
      expect(back.equals(allBytes()), "bytes read back equal bytes written").toBe(true);
    },
  },
  {
    id: "files/large",
    title: `a ${LARGE_FILE_BYTES / 1024 / 1024} MiB file streams in and out with the same sha256`,
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const path = `${scratchDir("large")}/large.bin`;
      const source = randomSource(LARGE_FILE_BYTES);
      await ctx.backend.writeFile(sandbox, path, source.stream);
      const back = await hashStream(await ctx.backend.readFile(sandbox, path));
      expect(back.bytes).toBe(LARGE_FILE_BYTES);
      expect(back.sha256).toBe(source.sha256());
    },
  },
  {
    id: "files/inputs",
    title: "writeFile takes a string, bytes or a stream, and overwriting truncates",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const path = `${scratchDir("inputs")}/file.txt`;
      await ctx.backend.writeFile(sandbox, path, "a longer first version ✓");
      expect((await readAll(await ctx.backend.readFile(sandbox, path))).toString()).toBe("a longer first version ✓");
      await ctx.backend.writeFile(sandbox, path, Readable.from([Buffer.from("str"), Buffer.from("eam")]));
      expect((await readAll(await ctx.backend.readFile(sandbox, path))).toString()).toBe("stream");
      await ctx.backend.writeFile(sandbox, path, new Uint8Array(0));
      expect((await readAll(await ctx.backend.readFile(sandbox, path))).length).toBe(0);
    },
  },
  {
    id: "files/awkward-paths",
    title: "paths with spaces, quotes, $, backticks, newlines and leading dashes round-trip",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = scratchDir("paths");
      const names = [
        "with space.txt",
        "single'quote.txt",
        'double"quote.txt',
        "dollar$HOME.txt",
        "back`id`tick.txt",
        "new\nline.txt",
        "-leading-dash.txt",
        "-d/$x/`y`/'z' \"w\"/file",
      ];
      for (const name of names) {
        const path = `${dir}/${name}`;
        await ctx.backend.writeFile(sandbox, path, `content of ${name}`);
        const back = await readAll(await ctx.backend.readFile(sandbox, path));
        expect(back.toString(), `read back ${JSON.stringify(path)}`).toBe(`content of ${name}`);
      }
      const listed = await run(ctx, sandbox, { command: ["sh", "-c", "for f in *; do printf '%s\\n' \"$f\"; done"], cwd: dir });
      expect(listed.stdout.toString()).toContain("-leading-dash.txt\n");
      expect(listed.stdout.toString()).toContain("single'quote.txt\n");
    },
  },
  {
    id: "files/parent-dirs",
    title: "writeFile creates missing parent directories",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const path = `${scratchDir("parents")}/a/b/c/deep.txt`;
      await ctx.backend.writeFile(sandbox, path, "deep");
      expect((await readAll(await ctx.backend.readFile(sandbox, path))).toString()).toBe("deep");
    },
  },
  {
    id: "files/visible-to-exec",
    title: "files written by writeFile are seen by exec, and files exec writes are read by readFile",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = scratchDir("shared-fs");
      await ctx.backend.writeFile(sandbox, `${dir}/in.bin`, new Uint8Array(allBytes()));
      const counted = await run(ctx, sandbox, {
        command: ["wc", "-c"],
        stdin: await ctx.backend.readFile(sandbox, `${dir}/in.bin`),
      });
      expect(counted.stdout.toString().trim()).toBe("256");
      const catted = await run(ctx, sandbox, { command: ["cat", "in.bin"], cwd: dir });
      expect(catted.stdout.equals(allBytes()), "cat of a file writeFile wrote").toBe(true);
      await run(ctx, sandbox, { command: ["sh", "-c", "printf made-by-exec > out.txt"], cwd: dir });
      expect((await readAll(await ctx.backend.readFile(sandbox, `${dir}/out.txt`))).toString()).toBe("made-by-exec");
    },
  },
  {
    id: "files/mode",
    title: "writeFile's mode makes a script executable",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = scratchDir("mode");
      await ctx.backend.writeFile(sandbox, `${dir}/run.sh`, "#!/bin/sh\nprintf ran-script\n", { mode: 0o755 });
      const result = await run(ctx, sandbox, { command: ["./run.sh"], cwd: dir });
      expect(result.stdout.toString()).toBe("ran-script");
      expect(result.exitCode).toBe(0);
    },
  },
  {
    id: "files/missing",
    title: "readFile of a missing file throws NotFoundError",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const path = `${scratchDir("missing")}/nope.txt`;
      await expectCoreError(
        async () => readAll(await ctx.backend.readFile(sandbox, path)),
        "NOT_FOUND",
        "readFile of a missing file",
      );
    },
  },
  {
    id: "files/invalid-path",
    title: "relative paths and '..' segments throw InvalidInputError",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      await expectCoreError(ctx.backend.writeFile(sandbox, "relative.txt", "x"), "INVALID_INPUT", "writeFile of a relative path");
      await expectCoreError(ctx.backend.readFile(sandbox, "tmp/relative.txt"), "INVALID_INPUT", "readFile of a relative path");
      await expectCoreError(
        ctx.backend.readFile(sandbox, "/tmp/../etc/hostname"),
        "INVALID_INPUT",
        "readFile of a path with '..'",
      );
    },
  },
];
