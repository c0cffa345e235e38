/**
 * What a mermaid diagram's source declares, read line by line as its author meant it: the labels
 * (edge and transition labels, node texts, sequence messages and notes) and the number of nodes.
 * The browser test compares this with what the drawn SVG shows: Mermaid also ends a statement at
 * a `;` or a `#`-entity gone wrong, which cuts a label short and scatters its words as stray nodes,
 * while the source still parses.
 */
export interface DiagramSource {
  kind: 'flowchart' | 'sequence' | 'state' | 'other';
  /** accTitle, when the source gives one. */
  title?: string;
  /** accDescr, when the source gives one. */
  description?: string;
  /** Every label the source declares, as written (quotes removed). */
  labels: string[];
  /** Nodes the drawing must have: flowchart nodes, states (with start/end), sequence participants. */
  nodes: number;
}

/** The ```mermaid blocks of a Markdown file, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
}

/** Letters and digits only, lower case: how two texts are compared regardless of markup and spacing. */
export function comparable(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/#(\w+);/g, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const IGNORED = /^(%%|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b|accTitle\b|accDescr\b|autonumber\b|end\b|}$)/;

export function readDiagramSource(source: string): DiagramSource {
  const lines = source.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines[0] ?? '';
  const title = /^\s*accTitle\s*:\s*(.+)$/m.exec(source)?.[1]?.trim();
  const description = (/^\s*accDescr\s*:\s*(.+)$/m.exec(source)?.[1] ?? /^\s*accDescr\s*\{([\s\S]*?)\}/m.exec(source)?.[1])?.replace(/\s+/g, ' ').trim();
  const body = lines.slice(1).filter((l) => !IGNORED.test(l));
  const base = { title, description };
  if (/^(flowchart|graph)\b/.test(header)) return { kind: 'flowchart', ...base, ...readFlowchart(body) };
  if (/^sequenceDiagram\b/.test(header)) return { kind: 'sequence', ...base, ...readSequence(body) };
  if (/^stateDiagram/.test(header)) return { kind: 'state', ...base, ...readState(body) };
  return { kind: 'other', ...base, labels: [], nodes: 0 };
}

const unquote = (text: string): string => text.trim().replace(/^"([\s\S]*)"$/, '$1').trim();

function readFlowchart(body: string[]): { labels: string[]; nodes: number } {
  const labels: string[] = [];
  const ids = new Set<string>();
  const clusters = new Set<string>();
  for (const written of body) {
    // Quoted texts may hold anything (brackets, arrows, colons): set them aside first.
    const quoted: string[] = [];
    const line = written.replace(/"([^"]*)"/g, (_m, text: string) => `\u0000${quoted.push(text) - 1}\u0000`);
    const unquote = (text: string): string => text.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => quoted[Number(n)] ?? '').trim();
    const subgraph = /^subgraph\s+([\w-]+)\s*(?:\[(.*)\])?\s*$/.exec(line) ?? /^subgraph\s+(.*)$/.exec(line);
    if (subgraph) {
      clusters.add(subgraph[1] ?? '');
      labels.push(unquote(subgraph[2] ?? subgraph[1] ?? ''));
      continue;
    }
    // Edge labels: -- text -->, -. text .->, == text ==>, -->|text|
    let rest = line.replace(/\|([^|]*)\|/g, (_m, text: string) => {
      labels.push(unquote(text));
      return ' ';
    });
    // Node shapes with their text: A["..."], A(["..."]), A{...}, A((...)), A[(...)], A>...]
    rest = rest.replace(/\b([A-Za-z_]\w*)\s*(\(\[|\[\[|\[\(|\(\(|\{\{|\[\/|\[\\|\[|\(|\{)\s*([^\]\)\}]*)\s*(\]\)|\]\]|\)\]|\)\)|\}\}|\/\]|\\\]|\]|\)|\})/g, (_m, id: string, _open, text: string) => {
      ids.add(id);
      labels.push(unquote(text));
      return ` ${id} `;
    });
    rest = rest.replace(/(?:--|==|-\.)\s*([^->=.\s][^>]*?)\s*(?:-->|==>|\.->)/g, (_m, text: string) => {
      labels.push(unquote(text));
      return ' --> ';
    });
    for (const token of rest.split(/\s*(?:<?-{2,}>?|<?={2,}>?|-\.+->?|--[ox]|&|:::[\w-]+)\s*/)) {
      const id = token.trim();
      if (/^[\w-]+$/.test(id)) ids.add(id);
    }
  }
  for (const cluster of clusters) ids.delete(cluster);
  return { labels: labels.filter((l) => l !== ''), nodes: ids.size };
}

function readSequence(body: string[]): { labels: string[]; nodes: number } {
  const labels: string[] = [];
  const participants = new Set<string>();
  for (const line of body) {
    const declared = /^(participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(line);
    if (declared) {
      participants.add(declared[2] ?? '');
      labels.push(unquote(declared[3] ?? declared[2] ?? ''));
      continue;
    }
    const message = /^([^-+<>:]+?)\s*(?:->>|-->>|->|-->|-x|--x|-\)|--\))\s*[+-]?([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (message) {
      participants.add((message[1] ?? '').trim());
      participants.add((message[2] ?? '').trim());
      labels.push(message[3] ?? '');
      continue;
    }
    const note = /^note\s+(?:over|left of|right of)\s+[^:]+:\s*(.*)$/i.exec(line);
    if (note) {
      labels.push(note[1] ?? '');
      continue;
    }
    const block = /^(loop|alt|else|opt|par|and|critical|option|break|rect)\b\s*(.*)$/.exec(line);
    if (block && block[1] !== 'rect') labels.push(block[2] ?? '');
  }
  // Participants used before (or without) a declaration show their id as their name.
  for (const id of participants) if (!body.some((l) => new RegExp(`^(participant|actor)\\s+${id}\\b`).test(l))) labels.push(id);
  return { labels: labels.filter((l) => l.trim() !== ''), nodes: participants.size };
}

function readState(body: string[]): { labels: string[]; nodes: number } {
  const labels: string[] = [];
  const states = new Set<string>();
  let start = false;
  let finish = false;
  let notes = 0;
  let inNote: string[] | undefined;
  for (const line of body) {
    if (inNote) {
      if (/^end note$/.test(line)) {
        labels.push(inNote.join(' '));
        inNote = undefined;
      } else inNote.push(line);
      continue;
    }
    if (/^note\s+(?:left|right)\s+of\s+\S+\s*$/.test(line)) {
      notes += 1;
      inNote = [];
      continue;
    }
    const transition = /^(\S+)\s*-->\s*(\S+?)\s*(?::\s*(.*))?$/.exec(line);
    if (transition) {
      const [from = '', to = ''] = [transition[1], transition[2]];
      if (from === '[*]') start = true;
      else states.add(from);
      if (to === '[*]') finish = true;
      else states.add(to);
      if (transition[3]) labels.push(transition[3]);
      continue;
    }
    const alias = /^state\s+"([^"]*)"\s+as\s+(\S+)/.exec(line);
    if (alias) {
      states.add(alias[2] ?? '');
      labels.push(alias[1] ?? '');
      continue;
    }
    const described = /^([\w-]+)\s*:\s*(.+)$/.exec(line);
    if (described) {
      states.add(described[1] ?? '');
      labels.push(described[2] ?? '');
      continue;
    }
    const note = /^note\s+(?:left|right)\s+of\s+\S+\s*:\s*(.*)$/.exec(line);
    if (note) {
      notes += 1;
      labels.push(note[1] ?? '');
    }
  }
  for (const state of states) labels.push(state);
  return { labels, nodes: states.size + notes + (start ? 1 : 0) + (finish ? 1 : 0) };
}

/** What the drawing shows that the source does not say, or says and the drawing lost. */
export function sourceMismatches(source: DiagramSource, drawn: { texts: string[]; nodes: number }): string[] {
  const shown = new Set(drawn.texts.map(comparable));
  // A sequence diagram wraps a long message over several <text> lines, in order.
  const wrapped = source.kind === 'sequence' ? drawn.texts.map(comparable).join('') : '';
  const problems: string[] = [];
  const found = (label: string): boolean =>
    comparable(label) === '' || shown.has(comparable(label)) || (comparable(label).length > 3 && ([...shown].some((t) => t.includes(comparable(label))) || wrapped.includes(comparable(label))));
  const lost = source.labels.filter((label) => !found(label));
  if (lost.length > 0) problems.push(`labels missing or cut short: ${lost.map((l) => `"${l}"`).join(', ')}`);
  if (source.kind !== 'other' && drawn.nodes !== source.nodes) problems.push(`${drawn.nodes} nodes drawn, the source declares ${source.nodes}`);
  return problems;
}
