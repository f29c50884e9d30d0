import { existsSync, readFileSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";

const BLOCK_TITLES = {
  "easy-read": { ko: "쉽게 읽기", en: "Easy read" },
  "key-points": { ko: "핵심 정리", en: "Key points" },
  note: { ko: "참고", en: "Note" },
} as const;
type BlockKind = keyof typeof BLOCK_TITLES;

const MAX_FIGURE_BYTES = 200 * 1024;

export interface RenderOptions {
  lang: "ko" | "en";
  /** The course folder; figures are read from its media/ folder. */
  courseDir?: string;
}

export interface Rendered {
  html: string;
  problems: string[];
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "a", "abbr", "dl", "dt", "dd",
    "section", "figure", "img",
  ],
  allowedAttributes: { a: ["href", "title"], abbr: ["title"], th: ["scope"], img: ["src", "alt"], section: ["class"], h2: ["class"] },
  allowedClasses: { section: ["block", "easy-read", "key-points", "note"], h2: ["block-title"] },
  allowedSchemes: ["https", "mailto"],
  allowedSchemesByTag: { img: ["data"] },
  // Only figures embedded by the renderer survive; any other image is dropped.
  exclusiveFilter: (frame) => frame.tag === "img" && !String(frame.attribs.src ?? "").startsWith("data:image/svg+xml;base64,"),
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }) },
};

/** An SVG figure as a data: URL after checking it is self-contained and script-free. */
function figureDataUrl(courseDir: string, href: string, problems: string[]): string | null {
  if (!/^media\/[a-z0-9][a-z0-9.-]*\.svg$/.test(href)) {
    problems.push(`image '${href}' must be media/<name>.svg`);
    return null;
  }
  const path = normalize(join(courseDir, href));
  if (!existsSync(path)) {
    problems.push(`image '${href}' does not exist`);
    return null;
  }
  if (statSync(path).size > MAX_FIGURE_BYTES) {
    problems.push(`image '${href}' is larger than 200 KB`);
    return null;
  }
  const svg = readFileSync(path, "utf8");
  if (/<script|\son\w+\s*=|<foreignObject|(?:href|src)\s*=\s*["'](?!#)/i.test(svg)) {
    problems.push(`image '${href}' contains scripts, event handlers or external references`);
    return null;
  }
  if (!/<title[\s>]/.test(svg)) problems.push(`image '${href}' has no <title>`);
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

function markedFor(options: RenderOptions, problems: string[]) {
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    walkTokens(token) {
      if (token.type === "link") {
        const href = (token as Tokens.Link).href;
        if (!/^(https:\/\/|mailto:)/.test(href)) problems.push(`link '${href}' is not an https:// or mailto: address`);
      }
      if (token.type === "image") {
        const image = token as Tokens.Image;
        if (!image.text.trim()) problems.push(`image '${image.href}' has no alt text`);
        if (!options.courseDir) {
          problems.push(`image '${image.href}' is not allowed here`);
          return;
        }
        const url = figureDataUrl(options.courseDir, image.href, problems);
        image.href = url ?? "";
      }
    },
    renderer: {
      // Lessons are Markdown only: raw HTML is reported and dropped.
      html({ text }) {
        if (text.trim()) problems.push(`raw HTML is not allowed: ${text.trim().slice(0, 40)}`);
        return "";
      },
      image({ href, text }) {
        return href ? `<img src="${href}" alt="${text.replace(/"/g, "&quot;")}">` : "";
      },
    },
  });
  return marked;
}

/** Split `:::kind` … `:::` blocks out of the Markdown, in order. */
function splitBlocks(source: string, problems: string[]): Array<{ kind: BlockKind | null; body: string }> {
  const parts: Array<{ kind: BlockKind | null; body: string }> = [];
  let current: { kind: BlockKind | null; lines: string[] } = { kind: null, lines: [] };
  for (const line of source.split(/\r?\n/)) {
    const open = /^:::([a-z-]+)\s*$/.exec(line);
    if (open && current.kind === null) {
      if (!(open[1]! in BLOCK_TITLES)) problems.push(`unknown block ':::${open[1]}'`);
      parts.push({ kind: null, body: current.lines.join("\n") });
      current = { kind: (open[1] as BlockKind) in BLOCK_TITLES ? (open[1] as BlockKind) : "note", lines: [] };
    } else if (/^:::\s*$/.test(line) && current.kind !== null) {
      parts.push({ kind: current.kind, body: current.lines.join("\n") });
      current = { kind: null, lines: [] };
    } else {
      current.lines.push(line);
    }
  }
  if (current.kind !== null) problems.push(`block ':::${current.kind}' is not closed with ':::'`);
  parts.push({ kind: current.kind, body: current.lines.join("\n") });
  return parts.filter((p) => p.body.trim() || p.kind);
}

/**
 * Lesson Markdown to HTML that is safe to render: structural tags only, no
 * scripts, styles, event handlers or foreign URL schemes; figures embedded.
 */
export function renderLesson(source: string, options: RenderOptions): Rendered {
  const problems: string[] = [];
  const marked = markedFor(options, problems);
  const html = splitBlocks(source, problems)
    .map(({ kind, body }) => {
      const inner = marked.parse(body) as string;
      if (!kind) return inner;
      return `<section class="block ${kind}"><h2 class="block-title">${BLOCK_TITLES[kind][options.lang]}</h2>${inner}</section>`;
    })
    .join("\n");
  const clean = sanitizeHtml(html, SANITIZE);
  // Emphasis that CommonMark could not pair (e.g. "**…)**의") shows up as literal asterisks.
  const stray = /\*\*[^*\n]{0,40}/.exec(clean.replace(/<[^>]+>/g, ""));
  if (stray) problems.push(`unrendered ** near '${stray[0].slice(0, 40)}': rephrase so the bold text closes before a space or punctuation`);
  return { html: clean, problems };
}

/** Markdown without figures or blocks (tests and short texts). */
export function renderMarkdown(source: string): string {
  return renderLesson(source, { lang: "ko" }).html;
}
