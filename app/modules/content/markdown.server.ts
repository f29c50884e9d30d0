import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Markdown from content/ to HTML that is safe to render: only structural
 * tags survive, no scripts, styles, event handlers or foreign URLs schemes.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true });
  return sanitizeHtml(html, {
    allowedTags: [
      "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "blockquote", "code", "pre",
      "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "a", "abbr", "dl", "dt", "dd",
    ],
    allowedAttributes: { a: ["href", "title"], abbr: ["title"], th: ["scope"] },
    allowedSchemes: ["https", "mailto"],
    transformTags: {
      a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }),
    },
  });
}
