/**
 * Code blocks say how many lines they hold (`--code-lines`), so that the theme can leave a block the
 * reader has not scrolled to unstyled and unlaid-out (content-visibility in theme/custom.css) while
 * keeping about the room it will take. A chapter has dozens of highlighted blocks, thousands of
 * elements: on a phone they were much of the work before the first paint.
 */
import type { MarkdownRenderer } from 'vitepress';

export function codeBlockSize(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('VitePress has no fence renderer to wrap: the code block plugin needs updating.');
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const html = fence(tokens, idx, options, env, self);
    const lines = (tokens[idx]?.content ?? '').replace(/\n$/, '').split('\n').length;
    // Only VitePress's own code blocks (a drawn diagram is a <figure>).
    return html.replace(/^<div class="(language-[^"]*)"/, `<div class="$1" style="--code-lines:${lines}"`);
  };
}
