/**
 * ```mermaid fences become <MermaidDiagram>, which draws them in the browser. The source travels
 * URI-encoded in an attribute so Vue and Markdown leave it untouched.
 */
import type { MarkdownRenderer } from 'vitepress';

export const MERMAID_TAG = 'MermaidDiagram';

export function mermaidFence(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('VitePress has no fence renderer to wrap: the mermaid plugin needs updating.');
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token && token.info.trim().split(/\s+/)[0] === 'mermaid') {
      return `<${MERMAID_TAG} code="${encodeURIComponent(token.content)}" />\n`;
    }
    return fence(tokens, idx, options, env, self);
  };
}
