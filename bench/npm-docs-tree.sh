#!/usr/bin/env bash
# A real documentation tree with no token-permission content, for the speed targets: the Markdown and MDX
# pages that 59 npm packages ship (the AI SDK, Mastra, Trigger.dev, Workflow, Turborepo, Directus docs, ...),
# at pinned versions: 1,711 files (1,269 .mdx), 11.3 MB.
#
#   bench/npm-docs-tree.sh OUT_DIR        # needs npm (the registry) and tar; about a minute
#
# Rules: every .mdx file; .md and .markdown files of 200 bytes or more; CHANGELOG* files and node_modules/
# left out; hidden folders renamed `.x` -> `dot-x` (scope-lint skips hidden paths, like the peers). Each
# package's files go to OUT_DIR/<scope__name>/ with their paths in the package. OUT_DIR is replaced.
set -euo pipefail

out=${1:?usage: bench/npm-docs-tree.sh OUT_DIR}
packages=(
  @mastra/mcp-docs-server@0.13.31 ai@6.0.333 @trigger.dev/sdk@4.8.3 workflow@4.8.9 @workflow/core@4.8.9
  @workflow/ai@5.0.0 @workflow/next@4.1.13 turbo@2.11.13 chat@4.41.1
  @atlaskit/pragmatic-drag-and-drop-docs@2.2.1 create-docusaurus@3.10.2 create-fumadocs-app@16.2.2
  @ai-sdk/alibaba@1.0.61 @ai-sdk/amazon-bedrock@4.0.186 @ai-sdk/anthropic@3.0.140 @ai-sdk/assemblyai@2.0.58
  @ai-sdk/azure@3.0.128 @ai-sdk/baseten@1.1.11 @ai-sdk/black-forest-labs@1.0.33 @ai-sdk/bytedance@1.0.29
  @ai-sdk/cerebras@2.0.82 @ai-sdk/cohere@3.0.63 @ai-sdk/deepgram@2.0.58 @ai-sdk/deepinfra@2.0.84
  @ai-sdk/deepseek@2.0.69 @ai-sdk/devtools@0.0.24 @ai-sdk/elevenlabs@2.0.58 @ai-sdk/fal@2.0.59
  @ai-sdk/fireworks@2.0.90 @ai-sdk/gateway@3.0.238 @ai-sdk/gladia@2.0.58 @ai-sdk/google@3.0.141
  @ai-sdk/google-vertex@4.0.208 @ai-sdk/groq@3.0.71 @ai-sdk/huggingface@1.0.77 @ai-sdk/hume@2.0.57
  @ai-sdk/langchain@2.0.296 @ai-sdk/lmnt@2.0.56 @ai-sdk/luma@2.0.57 @ai-sdk/mcp@1.0.102
  @ai-sdk/mistral@3.0.69 @ai-sdk/moonshotai@2.0.61 @ai-sdk/open-responses@1.0.39 @ai-sdk/openai@3.0.141
  @ai-sdk/openai-compatible@2.0.92 @ai-sdk/perplexity@3.0.61 @ai-sdk/prodia@1.0.50 @ai-sdk/react@3.0.328
  @ai-sdk/replicate@2.0.57 @ai-sdk/revai@2.0.57 @ai-sdk/svelte@4.0.288 @ai-sdk/togetherai@2.0.84
  @ai-sdk/vercel@2.0.78 @ai-sdk/vue@3.0.323 @ai-sdk/xai@3.0.138 @directus/docs@9.22.3
  @graphcommerce/docs@10.0.3 @praha/byethrow-docs@0.10.0
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
for spec in "${packages[@]}"; do
  name=${spec%@*}
  tarball=$(cd "$work" && npm pack "$spec" --silent 2>/dev/null | tail -1)
  unpacked="$work/unpacked"
  rm -rf "$unpacked" && mkdir -p "$unpacked"
  tar xzf "$work/$tarball" -C "$unpacked"
  dest="$out/$(printf '%s' "${name#@}" | sed 's#/#__#')"
  (cd "$unpacked/package" && find . -path '*/node_modules/*' -prune -o -iname 'CHANGELOG*' -prune -o -type f \
      \( -name '*.mdx' -o \( \( -name '*.md' -o -name '*.markdown' \) -size +199c \) \) -print) |
    while IFS= read -r file; do
      renamed=$(printf '%s' "$file" | sed 's#/\.\([^/]\)#/dot-\1#g')
      mkdir -p "$dest/$(dirname "$renamed")"
      cp "$unpacked/package/$file" "$dest/$renamed"
    done
  rm -f "$work/$tarball"
done
files=$(find "$out" -type f | wc -l)
mdx=$(find "$out" -type f -name '*.mdx' | wc -l)
bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
echo "npm-docs-tree: $files files ($mdx .mdx), $bytes bytes -> $out"
