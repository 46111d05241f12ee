// Prints the mdast block structure of MDX pages in the shape of `scope-lint debug blocks`, so the two can be
// compared: one JSON document, an array of {"path", "blocks": [...]}, where each block at every depth, in
// document order, is {"kind", "start_line", "end_line", "depth"} plus "level" (headings), "rows" (tables:
// the header row counts, the delimiter row does not) or "items" (lists). Lines are 1-based, as in mdast.
//
// The parse is @mdx-js/mdx's own (createProcessor: remark-parse + remark-mdx) with remark-gfm and
// remark-directive, as Astro/Starlight configure it. Front matter is read the way Astro reads it, before
// MDX: a first line `---` up to the next `---` line is one `front-matter` block, blanked line for line
// before the parse so the positions stay those of the file.
//
// `depth` counts the enclosing blocks that are themselves listed (list, blockquote, jsx, directive); list
// items, footnote definitions and the label paragraph of a directive (`:::note[Title]`) are not blocks.
// Link reference definitions are not blocks either (pulldown-cmark reports none).
//
// Usage: node tests/mdast/dump.mjs [--keep-going] FILE...
// Exit: 0, or 2 when a file cannot be read or parsed. With --keep-going a file that cannot be parsed is
// listed as {"path", "error"} (the parser's message) and the others are still dumped (compare.py uses it).
import { readFileSync } from "node:fs";
import { createProcessor } from "@mdx-js/mdx";
import remarkDirective from "remark-directive";
import remarkGfm from "remark-gfm";

const KINDS = {
  heading: "heading",
  paragraph: "paragraph",
  table: "table",
  list: "list",
  code: "code",
  blockquote: "blockquote",
  mdxJsxFlowElement: "jsx",
  mdxFlowExpression: "expression",
  mdxjsEsm: "esm",
  containerDirective: "directive",
  leafDirective: "directive",
  html: "html",
  thematicBreak: "thematic-break",
};

/** The lines of the front matter (`---` ... `---`), or 0 when there is none. */
function frontMatterLines(lines) {
  if (lines[0]?.replace(/\r$/, "") !== "---") return 0;
  const end = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)$/.test(line.replace(/\r$/, "")));
  return end === -1 ? 0 : end + 1;
}

function blocksOf(tree) {
  const blocks = [];
  const visit = (node, depth) => {
    const kind = KINDS[node.type];
    const label = node.type === "paragraph" && node.data?.directiveLabel;
    if (kind && !label) {
      const block = {
        kind,
        start_line: node.position.start.line,
        end_line: node.position.end.line,
        depth,
      };
      if (node.type === "heading") block.level = node.depth;
      if (node.type === "table") block.rows = node.children.length;
      if (node.type === "list") block.items = node.children.length;
      blocks.push(block);
    }
    const inner = kind && !label ? depth + 1 : depth;
    if (node.type === "paragraph" || node.type === "heading" || node.type === "table") return;
    for (const child of node.children ?? []) visit(child, inner);
  };
  for (const child of tree.children) visit(child, 0);
  return blocks;
}

const processor = createProcessor({ remarkPlugins: [remarkGfm, remarkDirective] });

const keepGoing = process.argv[2] === "--keep-going";
const files = process.argv.slice(keepGoing ? 3 : 2);
if (files.length === 0) {
  console.error("usage: node tests/mdast/dump.mjs FILE...");
  process.exit(2);
}
const out = [];
for (const path of files) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    console.error(`dump.mjs: ${path}: ${error.message}`);
    process.exit(2);
  }
  text = text.replace(/^\uFEFF/, "");
  const lines = text.split("\n");
  const front = frontMatterLines(lines);
  const body = front ? "\n".repeat(front) + lines.slice(front).join("\n") : text;
  let tree;
  try {
    tree = processor.parse(body);
  } catch (error) {
    if (keepGoing) {
      out.push({ path, error: error.message });
      continue;
    }
    console.error(`dump.mjs: ${path}: ${error.message}`);
    process.exit(2);
  }
  const blocks = blocksOf(tree);
  if (front) blocks.unshift({ kind: "front-matter", start_line: 1, end_line: front, depth: 0 });
  out.push({ path, blocks });
}
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
