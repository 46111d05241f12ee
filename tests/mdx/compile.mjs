// Compiles MDX files with @mdx-js/mdx (+ GFM and directives, as Astro/Starlight
// pages use them) to prove they are still valid MDX.
//
// Usage: node tests/mdx/compile.mjs PATH...   (PATH: an .mdx file or a directory)
// Exit: 0 all compiled, 1 some failed, 2 usage error.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compile } from "@mdx-js/mdx";
import remarkDirective from "remark-directive";
import remarkGfm from "remark-gfm";

function usage(message) {
  console.error(`compile.mjs: ${message}`);
  console.error("usage: node tests/mdx/compile.mjs PATH...  (PATH: .mdx file or directory)");
  process.exit(2);
}

function walk(dir, out) {
  // Sorted so output order is stable across machines.
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") walk(path, out);
    } else if (entry.isFile() && entry.name.endsWith(".mdx")) {
      out.push(path);
    }
  }
}

// Astro parses front matter itself, outside MDX. Blank it out line for line so
// the positions MDX reports still match the original file.
function stripFrontMatter(text) {
  const lines = text.split("\n");
  if (lines[0].replace(/\r$/, "") !== "---") return text;
  const end = lines.findIndex((line, i) => i > 0 && line.replace(/\r$/, "") === "---");
  if (end === -1) return text;
  return "\n".repeat(end + 1) + lines.slice(end + 1).join("\n");
}

// Some messages carry no position of their own: an element left open at the end
// of the file ("Expected a closing tag for `<Aside>` (10:1-10:20)") names the
// opening tag only in its text. Errors that are not VFileMessages have none.
function position(error, message) {
  if (error.line) return `${error.line}:${error.column ?? 1}`;
  const match = /\((\d+):(\d+)[-)]/.exec(message);
  return match ? `${match[1]}:${match[2]}` : "0:0";
}

const args = process.argv.slice(2);
if (args.length === 0) usage("no paths given");

const files = [];
for (const arg of args) {
  let stat;
  try {
    stat = statSync(arg);
  } catch {
    usage(`no such file or directory: ${arg}`);
  }
  if (stat.isDirectory()) walk(arg, files);
  else if (arg.endsWith(".mdx")) files.push(arg);
  else usage(`not an .mdx file or a directory: ${arg}`);
}

let failed = 0;
for (const path of files) {
  // A leading BOM would hide the front matter fence; it takes no column, so
  // dropping it keeps positions right.
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  try {
    await compile(stripFrontMatter(text), { remarkPlugins: [remarkGfm, remarkDirective] });
  } catch (error) {
    failed++;
    const message = String(error.reason ?? error.message ?? error).replace(/\s*\n\s*/g, " ");
    console.log(`${path}:${position(error, message)}: ${message}`);
  }
}

console.log(`${files.length} files compiled, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
