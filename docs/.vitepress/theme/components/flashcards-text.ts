/**
 * The little Markdown the deck's text uses (deck/README.md: **bold** and `code`), as Vue nodes.
 * Text stays text (Vue escapes it), so a card can never inject HTML, and the browser needs no
 * Markdown parser. Anything else, such as a lone `*` in `user:*`, is shown as written.
 */
import { h, type VNode } from 'vue';

const INLINE = /\*\*(.+?)\*\*|`([^`]+)`/g;

export function inline(text: string): Array<VNode | string> {
  const parts: Array<VNode | string> = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(match[1] !== undefined ? h('strong', match[1]) : h('code', match[2]));
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Paragraphs (separated by blank lines), each with its inline Markdown. */
export function paragraphs(text: string, className: string): VNode[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => h('p', { class: className }, inline(paragraph.replace(/\s*\n\s*/g, ' '))));
}
