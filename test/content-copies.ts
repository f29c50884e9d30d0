import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { ContentInvalidError, formatError, readContentTree } from "~/modules/content/source.server";

/** The content tree the product ships, which tests copy before changing. */
export const REAL = process.env.CONTENT_ROOT ?? join(process.cwd(), "content");

/**
 * Copies of the shipped content tree for a test file to change, each removed
 * after its test. Call once at the top of a test file.
 */
export function contentCopies() {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });
  return function copyOfContent(): string {
    const dir = mkdtempSync(join(tmpdir(), "content-"));
    cpSync(REAL, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
}

/** What content:check says of a tree: each problem as it prints it, none when it passes. */
export function problems(root: string): string[] {
  try {
    readContentTree(root);
  } catch (e) {
    if (e instanceof ContentInvalidError) return e.errors.map(formatError);
    throw e;
  }
  return [];
}
