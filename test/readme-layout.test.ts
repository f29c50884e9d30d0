import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("the README's layout table", () => {
  it("lists every top-level folder of app/", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const folders = readdirSync(join(root, "app"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((name) => !readme.includes(`| \`app/${name}/\` |`))).toEqual([]);
  });
});
