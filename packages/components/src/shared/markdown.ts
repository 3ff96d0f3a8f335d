import { html, nothing, type TemplateResult } from 'lit';

/**
 * User-written Markdown (posts, comments, topics, replies, updates) rendered
 * straight to Lit templates: no HTML string is ever built or parsed, so there
 * is nothing to sanitize. Every piece of user text is bound as text (raw HTML
 * shows as typed), the only elements are the fixed ones below, and the only
 * attributes set from user input are a link's `href` (http, https, mailto and
 * tel only; any other link keeps its text and has no address), its `title`,
 * an ordered list's `start` (a number) and a table cell's `align` (one of
 * three words). Every link opens in a new tab with
 * rel="noopener noreferrer nofollow".
 *
 * The subset (GitHub-flavoured, with a line break for every new line):
 * paragraphs; **strong**, _emphasis_ (`*` or `_`), ~~strikethrough~~,
 * `code`; [links](https://…), <https://…> and bare http(s)://, www. and e-mail
 * addresses; block quotes; bulleted and numbered lists, nested; fenced and
 * indented code blocks; thematic breaks; tables. Headings become bold
 * paragraphs (user text stays inside the widget's own heading levels);
 * images become a link to the image (no pixels load from anywhere).
 * Mentions (`@[Name](user:ID)`) show as "@Name".
 */
export function markdown(source: string): TemplateResult {
  return html`${parseMarkdown(source).map(render)}`;
}

/** The text a Markdown source shows, in one line (for excerpts). */
export function markdownText(source: string): string {
  return parseMarkdown(source).map(textOf).join(' ').replace(/\s+/g, ' ').trim();
}

/** A parsed node: text, or one of the fixed elements with its children (and `a`: href, start or align). */
export type MdNode = string | MdElement;
export interface MdElement {
  t: 'p' | 'br' | 'strong' | 'em' | 'del' | 'code' | 'pre' | 'blockquote' | 'ul' | 'ol' | 'li' | 'a' | 'hr' | 'table' | 'thead' | 'tbody' | 'tr' | 'th' | 'td';
  c: MdNode[];
  a?: string | number;
  title?: string;
  /** How many elements deep it is (itself included). */
  h: number;
}

/** Link addresses a reader may follow. */
const ALLOWED_URL = /^(?:https?|mailto|tel):[^\s\0-\x1f\x7f]*$/i;

/**
 * How deep quotes and lists may nest, and emphasis and links inside each other:
 * deeper text stays text. Real writing never comes near; it keeps a crafted
 * body (a thousand `>` or `*`) from costing more than its length to parse and render.
 */
const MAX_BLOCK_DEPTH = 8;
const MAX_INLINE_DEPTH = 8;

export function parseMarkdown(source: string): MdNode[] {
  // Tabs at the start of a line count as four spaces (indentation is what makes lists and code).
  const lines = source.replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '    ')));
  return blocks(lines, 0);
}

/** How many elements deep a node is. */
const depthOf = (n: MdNode | Delimiter): number => (typeof n === 'string' || 'd' in n ? 0 : n.h);
const deepest = (nodes: (MdNode | Delimiter)[]) => nodes.reduce((max, n) => Math.max(max, depthOf(n)), 0);

function el(t: MdElement['t'], c: MdNode[] = [], a?: string | number): MdElement {
  const node: MdElement = { t, c, h: 1 + deepest(c) };
  if (a !== undefined) node.a = a;
  return node;
}
const isBlank = (line: string | undefined) => line !== undefined && !line.trim();
const indentOf = (line: string) => line.length - line.trimStart().length;

const FENCE = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*)|$)/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})(?:([-*+])|(\d{1,9})([.)]))(?:([ \t]+)(.*)|$)/;
const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;
const CELL_DELIMITER = /^:?-+:?$/;

/** Whether the line is a table's delimiter row (`|---|:-:|`), with at least one pipe or colon so `---` stays a rule. */
const isDelimiterRow = (line: string | undefined) => line !== undefined && /^[ \t|:-]+$/.test(line) && /[|:]/.test(line) && cells(line).every((c) => CELL_DELIMITER.test(c));
const isTableStart = (lines: string[], i: number) => lines[i]!.includes('|') && isDelimiterRow(lines[i + 1]);

/** A heading's text, without its closing #s. */
function headingText(text: string): string {
  text = text.trimEnd();
  let end = text.length;
  while (end && text[end - 1] === '#') end--;
  return !end || text[end - 1] === ' ' || text[end - 1] === '\t' ? text.slice(0, end).trimEnd() : text;
}

/** Text without the spaces and tabs at its end (a loop: a regex anchored at the end costs the square of a long run). */
function trimSpacesEnd(text: string): string {
  let end = text.length;
  while (end && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}

/** Whether a line begins a block that ends a paragraph. */
function interrupts(lines: string[], i: number): boolean {
  const line = lines[i]!;
  const item = ITEM.exec(line);
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    isTableStart(lines, i) ||
    // A list interrupts a paragraph only with content, and a numbered one only from 1.
    Boolean(item && item[6]?.trim() && (item[2] || item[3] === '1'))
  );
}

function blocks(lines: string[], depth: number): MdNode[] {
  // Nested too deep: the rest is text.
  if (depth > MAX_BLOCK_DEPTH) return [el('p', inline(lines.map((l) => l.trim()).join('\n').trim(), 0))];
  const out: MdNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (!line.trim()) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const fence = m[1]!;
      const indent = indentOf(line);
      const closing = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}[ \\t]*$`);
      // Code lines lose as much indentation as the fence had.
      const outdent = new RegExp(`^ {0,${indent}}`);
      const code: string[] = [];
      for (i++; i < lines.length && !closing.test(lines[i]!); i++) code.push(lines[i]!.replace(outdent, ''));
      i++;
      out.push(el('pre', [el('code', [code.join('\n')])]));
    } else if (indentOf(line) >= 4) {
      const code: string[] = [];
      for (; i < lines.length && (isBlank(lines[i]) || indentOf(lines[i]!) >= 4); i++) code.push(lines[i]!.slice(4));
      while (code.length && !code[code.length - 1]!.trim()) code.pop();
      out.push(el('pre', [el('code', [code.join('\n')])]));
    } else if ((m = HEADING.exec(line))) {
      out.push(el('p', [el('strong', inline(headingText(m[1] ?? ''), 0))]));
      i++;
    } else if (RULE.test(line)) {
      out.push(el('hr'));
      i++;
    } else if (QUOTE.test(line)) {
      const quoted: string[] = [];
      // Lines marked with `>`, and lines that continue a paragraph inside the quote.
      for (; i < lines.length; i++) {
        const next = lines[i]!;
        if (QUOTE.test(next)) quoted.push(next.replace(QUOTE, ''));
        else if (next.trim() && quoted.length && quoted[quoted.length - 1]!.trim() && !interrupts(lines, i)) quoted.push(next);
        else break;
      }
      out.push(el('blockquote', blocks(quoted, depth + 1)));
    } else if ((m = ITEM.exec(line))) {
      i = list(lines, i, out, depth);
    } else if (isTableStart(lines, i)) {
      i = table(lines, i, out);
    } else {
      const text: string[] = [line.trim()];
      let heading = false;
      for (i++; i < lines.length && !isBlank(lines[i]); i++) {
        if (SETEXT.test(lines[i]!)) {
          heading = true;
          i++;
          break;
        }
        if (interrupts(lines, i)) break;
        text.push(lines[i]!.trim());
      }
      const content = inline(text.join('\n'), 0);
      out.push(el('p', heading ? [el('strong', content)] : content));
    }
  }
  return out;
}

/** A list from line `i`: appends it to `out`, answers the line after it. */
function list(lines: string[], i: number, out: MdNode[], depth: number): number {
  const first = ITEM.exec(lines[i]!)!;
  const bullet = first[2];
  const delimiter = first[4];
  const items: MdNode[][] = [];
  let loose = false;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]!);
    if (!m || m[2] !== bullet || m[4] !== delimiter || RULE.test(lines[i]!)) break;
    // The item's content starts after the marker and its spaces (one, if it starts with code or is empty).
    const spaces = m[5] ?? '';
    const marker = m[1]!.length + (m[2] ?? m[3]! + m[4]).length;
    const width = marker + (spaces.length > 4 || !m[6] ? 1 : spaces.length);
    const content: string[] = [spaces.length > 4 ? ' '.repeat(spaces.length - 1) + m[6] : (m[6] ?? '')];
    for (i++; i < lines.length; i++) {
      const next = lines[i]!;
      if (!next.trim()) content.push('');
      else if (indentOf(next) >= width) content.push(next.slice(width));
      // A lazy continuation line of the item's last paragraph.
      else if (content[content.length - 1]!.trim() && !ITEM.exec(next) && !interrupts(lines, i)) content.push(next);
      else break;
    }
    // Blank lines at the end separate items (a loose list) unless the list ends there.
    let trailing = 0;
    while (content.length > 1 && !content[content.length - 1]!.trim()) {
      content.pop();
      trailing++;
    }
    if (content.some((l, k) => !l.trim() && k > 0 && k < content.length - 1 && content[k - 1]!.trim())) loose = true;
    items.push(blocks(content, depth + 1));
    if (trailing && i < lines.length && ITEM.exec(lines[i]!)?.[2] === bullet && ITEM.exec(lines[i]!)?.[4] === delimiter) loose = true;
  }
  const li = items.map((children) => el('li', loose ? children : children.flatMap((n) => (typeof n !== 'string' && n.t === 'p' ? n.c : [n]))));
  const start = first[3] === undefined ? undefined : Number(first[3]);
  out.push(bullet ? el('ul', li) : el('ol', li, start === 1 ? undefined : start));
  return i;
}

/** The cells of a table row (split at pipes that are not escaped; outer pipes are optional). */
function cells(line: string): string[] {
  const row = line.trim();
  const out: string[] = [];
  let cell = '';
  for (let i = row[0] === '|' ? 1 : 0; i < row.length; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') cell += row[++i];
    else if (row[i] === '|') out.push(cell.trim()), (cell = '');
    else cell += row[i];
  }
  if (cell.trim() || !out.length) out.push(cell.trim());
  return out;
}

function table(lines: string[], i: number, out: MdNode[]): number {
  const head = cells(lines[i]!);
  const align = cells(lines[i + 1]!).map((d) => (d.endsWith(':') ? (d.startsWith(':') ? 'center' : 'right') : d.startsWith(':') ? 'left' : undefined));
  if (align.length !== head.length) {
    // Not a table after all: the header and delimiter rows must match.
    out.push(el('p', inline(`${lines[i]!.trim()}\n${lines[i + 1]!.trim()}`, 0)));
    return i + 2;
  }
  const row = (values: string[], cell: 'th' | 'td') => el('tr', head.map((_, k) => el(cell, inline(values[k] ?? '', 0), align[k])));
  const body: MdNode[] = [];
  for (i += 2; i < lines.length && lines[i]!.trim() && lines[i]!.includes('|') && !interrupts(lines, i); i++) body.push(row(cells(lines[i]!), 'td'));
  out.push(el('table', [el('thead', [row(head, 'th')]), ...(body.length ? [el('tbody', body)] : [])]));
  return i;
}

/* ---------- inline ---------- */

interface Delimiter {
  d: string;
  n: number;
  open: boolean;
  close: boolean;
}

const PUNCTUATION = /[\p{P}\p{S}]/u;
const SPACE = /\s/;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const AUTOLINK = /<([a-z][a-z\d+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>/iy;
const BARE_LINK = /(?:https?:\/\/|www\.)[^\s<]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/iy;

/** A link's node: an anchor for an allowed address, else only its text. */
function link(href: string, children: MdNode[], title?: string): MdNode[] {
  if (!ALLOWED_URL.test(href)) return children;
  const a = el('a', children, href);
  if (title) a.title = title;
  return [a];
}

/** A bare address without the punctuation that ends the sentence around it (loops, linear in its length). */
function trimAddress(address: string): string {
  let unopened = 0;
  for (const ch of address) unopened += ch === ')' ? 1 : ch === '(' ? -1 : 0;
  let end = address.length;
  for (;;) {
    const ch = address[end - 1];
    if (ch !== undefined && `?!.,:*_~'"`.includes(ch)) end--;
    else if (ch === ')' && unopened > 0) end--, unopened--;
    else return address.slice(0, end);
  }
}

const unescape = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** How far a link's `(destination "title")` may reach: bounds the work a text of many `[a](` can cause. */
const MAX_LINK_TAIL = 2048;

/** Parses `(destination "title")` at `source[from]` (the `(`): the destination, title and the index after `)`, or null. */
function destination(source: string, from: number): { href: string; title?: string; end: number } | null {
  const s = source.slice(from, from + MAX_LINK_TAIL);
  let i = 1;
  const skip = () => {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '\n') i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
  };
  skip();
  let href = '';
  if (s[i] === '<') {
    const end = s.indexOf('>', i);
    if (end < 0 || /[\n<]/.test(s.slice(i + 1, end))) return null;
    href = s.slice(i + 1, end).replace(/ /g, '%20');
    i = end + 1;
  } else {
    let depth = 0;
    const start = i;
    for (; i < s.length && s.charCodeAt(i) > 32; i++) {
      if (s[i] === '\\' && ESCAPABLE.test(s[i + 1] ?? '')) i++;
      else if (s[i] === '(') depth++;
      else if (s[i] === ')' && depth-- === 0) break;
    }
    href = s.slice(start, i);
  }
  skip();
  let title: string | undefined;
  const quote = s[i];
  if (quote === '"' || quote === "'" || quote === '(') {
    const close = quote === '(' ? ')' : quote;
    let k = i + 1;
    for (; k < s.length && s[k] !== close; k++) if (s[k] === '\\') k++;
    if (k >= s.length) return null;
    title = unescape(s.slice(i + 1, k));
    i = k + 1;
    skip();
  }
  if (s[i] !== ')') return null;
  return { href: unescape(href), title, end: from + i + 1 };
}

/** The index of the run of exactly `n` backticks that closes the one at `s[i]` (a code span), or -1. */
function closingTicks(s: string, i: number, n: number): number {
  const run = s.slice(i, i + n);
  for (let end = i + n; ; ) {
    end = s.indexOf(run, end);
    if (end < 0 || s[end + n] !== '`') return end;
    while (s[end] === '`') end++;
  }
}

/** Each `[` and the `]` that closes it (escapes and code spans skipped), in one pass. */
function bracketPairs(s: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const end = closingTicks(s, i, n);
      i = (end < 0 ? i : end) + n - 1;
    } else if (c === '[') open.push(i);
    else if (c === ']' && open.length) pairs.set(open.pop()!, i);
  }
  return pairs;
}

function inline(s: string, depth: number): MdNode[] {
  const nodes: (MdNode | Delimiter)[] = [];
  const brackets = bracketPairs(s);
  let text = '';
  const push = (...items: (MdNode | Delimiter)[]) => {
    if (text) nodes.push(text);
    text = '';
    nodes.push(...items);
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    const prev = s[i - 1] ?? '\n';
    let m: RegExpExecArray | null;
    if (c === '\\' && s[i + 1] === '\n') {
      push(el('br'));
      i += 2;
    } else if (c === '\\' && ESCAPABLE.test(s[i + 1] ?? '')) {
      text += s[i + 1];
      i += 2;
    } else if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const end = closingTicks(s, i, n);
      if (end < 0) {
        text += s.slice(i, i + n);
        i += n;
      } else {
        let code = s.slice(i + n, end).replace(/\n/g, ' ');
        // One space on each side is padding (unless the code is only spaces).
        if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && /[^ ]/.test(code)) code = code.slice(1, -1);
        push(el('code', [code]));
        i = end + n;
      }
    } else if (c === '[' || (c === '!' && s[i + 1] === '[')) {
      const image = c === '!';
      const open = image ? i + 1 : i;
      const close = brackets.get(open) ?? -1;
      const target = close >= 0 && s[close + 1] === '(' ? destination(s, close + 1) : null;
      if (!target) {
        text += c;
        i++;
        continue;
      }
      const label = s.slice(open + 1, close);
      // An image is never loaded: it becomes a link to it, named by its description.
      const children =
        image || depth >= MAX_INLINE_DEPTH
          ? [unescape(label) || target.href]
          : inline(label, depth + 1).flatMap((n) => (typeof n !== 'string' && n.t === 'a' ? n.c : [n]));
      push(...link(target.href, children, target.title));
      i = target.end;
    } else if (c === '<' && ((AUTOLINK.lastIndex = i), (m = AUTOLINK.exec(s)))) {
      const address = m[1]!;
      const href = address.includes(':') ? address : `mailto:${address}`;
      if (ALLOWED_URL.test(href)) push(...link(href, [address]));
      else text += m[0];
      i += m[0].length;
    } else if (c === '*' || c === '_' || c === '~') {
      let n = 1;
      while (s[i + n] === c) n++;
      const next = s[i + n] ?? '\n';
      const left = !SPACE.test(next) && (!PUNCTUATION.test(next) || SPACE.test(prev) || PUNCTUATION.test(prev));
      const right = !SPACE.test(prev) && (!PUNCTUATION.test(prev) || SPACE.test(next) || PUNCTUATION.test(next));
      const intraword = c === '_';
      push({
        d: c,
        n,
        open: left && (!intraword || !right || PUNCTUATION.test(prev)),
        close: right && (!intraword || !left || PUNCTUATION.test(next)),
      });
      i += n;
    } else if (c === '\n') {
      text = trimSpacesEnd(text);
      push(el('br'));
      i++;
      while (s[i] === ' ' || s[i] === '\t') i++;
    } else if (!/[\w.+-]/.test(prev) && ((BARE_LINK.lastIndex = i), (m = BARE_LINK.exec(s)))) {
      // Trailing punctuation is the sentence's, and so is a `)` the address did not open.
      const address = trimAddress(m[0]);
      if (!/[\w/]$/.test(address) || /^www\.$/i.test(address)) {
        text += c;
        i++;
        continue;
      }
      const href = address.includes('@') && !/^(https?:\/\/|www\.)/i.test(address) ? `mailto:${address}` : /^www\./i.test(address) ? `http://${address}` : address;
      push(...link(href, [address]));
      i += address.length;
    } else {
      text += c;
      i++;
    }
  }
  push();
  return emphasis(nodes);
}

const isDelimiter = (n: MdNode | Delimiter | undefined): n is Delimiter => typeof n === 'object' && 'd' in n;

interface Cell {
  v: MdNode | Delimiter;
  /** Neighbours in the text. */
  p: Cell | null;
  n: Cell | null;
  /** For a delimiter: its place in the text, and its neighbours among the delimiters still unpaired. */
  at?: number;
  dp?: Cell | null;
  dn?: Cell | null;
}

/**
 * Pairs `*`, `_` and `~` runs into strong, emphasis and strikethrough
 * (CommonMark's delimiter rules, in short). Text and delimiters are a linked
 * list, and the delimiters not yet paired a second one, so that pairing
 * rewires neighbours instead of moving arrays, and looking for an opener
 * passes over delimiters only: linear time, whatever the text.
 */
function emphasis(nodes: (MdNode | Delimiter)[]): MdNode[] {
  const head: Cell = { v: '', p: null, n: null };
  let last = head;
  let lastDelimiter: Cell | null = null;
  nodes.forEach((v, at) => {
    last = last.n = { v, p: last, n: null };
    if (isDelimiter(v)) {
      last.at = at;
      last.dp = lastDelimiter;
      if (lastDelimiter) lastDelimiter.dn = last;
      lastDelimiter = last;
    }
  });
  const unlink = (cell: Cell) => {
    cell.p!.n = cell.n;
    if (cell.n) cell.n.p = cell.p;
    unstack(cell);
  };
  const unstack = (cell: Cell) => {
    if (cell.dp) cell.dp.dn = cell.dn;
    if (cell.dn) cell.dn.dp = cell.dp;
    cell.dp = cell.dn = null;
  };
  // For each kind of closer, the place below which no opener is left for it (CommonMark's openers_bottom).
  const bottom = new Map<string, number>();
  for (let cell = head.n; cell; cell = cell.n) {
    const closer = cell.v;
    if (!isDelimiter(closer) || !closer.close) continue;
    const key = `${closer.d}${closer.d === '~' ? closer.n : closer.n % 3}${closer.open}`;
    const floor = bottom.get(key) ?? -1;
    let matched = false;
    for (let o = cell.dp; o && o.at! >= floor; o = o.dp) {
      const opener = o.v as Delimiter;
      const fits =
        opener.d === closer.d &&
        opener.open &&
        !(closer.d === '~' ? opener.n !== closer.n || closer.n > 2 : (opener.close || closer.open) && (opener.n + closer.n) % 3 === 0 && (opener.n % 3 || closer.n % 3));
      if (!fits) continue;
      const inner: (MdNode | Delimiter)[] = [];
      for (let x = o.n!; x !== cell; x = x.n!) inner.push(x.v);
      // Nested too deep: these stay text.
      if (deepest(inner) >= MAX_INLINE_DEPTH) break;
      matched = true;
      // The delimiters in between stay text inside the new element.
      while (o.dn !== cell) unstack(o.dn!);
      const use = closer.d === '~' ? closer.n : opener.n > 1 && closer.n > 1 ? 2 : 1;
      const wrapped: Cell = { v: el(closer.d === '~' ? 'del' : use === 2 ? 'strong' : 'em', text(inner)), p: o, n: cell };
      o.n = cell.p = wrapped;
      opener.n -= use;
      closer.n -= use;
      if (!opener.n) unlink(o);
      if (!closer.n) unlink(cell);
      // Go on after the new element: with this closer again if some of it is left.
      cell = wrapped;
      break;
    }
    if (!matched) {
      bottom.set(key, cell.at!);
      // A closer that cannot open is done with.
      if (!closer.open) unstack(cell);
    }
  }
  const out: (MdNode | Delimiter)[] = [];
  for (let cell = head.n; cell; cell = cell.n) out.push(cell.v);
  return text(out);
}

/** Unpaired delimiters as text, and neighbouring texts joined. */
function text(nodes: (MdNode | Delimiter)[]): MdNode[] {
  const out: MdNode[] = [];
  for (const n of nodes) {
    const value = isDelimiter(n) ? n.d.repeat(n.n) : n;
    if (typeof value === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += value;
    else if (value !== '') out.push(value);
  }
  return out;
}

/* ---------- output ---------- */

const TEMPLATES: Record<MdElement['t'], (c: unknown[], n: MdElement) => TemplateResult> = {
  p: (c) => html`<p>${c}</p>`,
  br: () => html`<br />`,
  strong: (c) => html`<strong>${c}</strong>`,
  em: (c) => html`<em>${c}</em>`,
  del: (c) => html`<del>${c}</del>`,
  code: (c) => html`<code>${c}</code>`,
  pre: (c) => html`<pre>${c}</pre>`,
  blockquote: (c) => html`<blockquote>${c}</blockquote>`,
  ul: (c) => html`<ul>${c}</ul>`,
  ol: (c, n) => html`<ol start=${n.a ?? nothing}>${c}</ol>`,
  li: (c) => html`<li>${c}</li>`,
  a: (c, n) => html`<a href=${n.a!} title=${n.title ?? nothing} target="_blank" rel="noopener noreferrer nofollow">${c}</a>`,
  hr: () => html`<hr />`,
  table: (c) => html`<table>${c}</table>`,
  thead: (c) => html`<thead>${c}</thead>`,
  tbody: (c) => html`<tbody>${c}</tbody>`,
  tr: (c) => html`<tr>${c}</tr>`,
  th: (c, n) => html`<th align=${n.a ?? nothing}>${c}</th>`,
  td: (c, n) => html`<td align=${n.a ?? nothing}>${c}</td>`,
};

function render(node: MdNode): unknown {
  return typeof node === 'string' ? node : TEMPLATES[node.t](node.c.map(render), node);
}

function textOf(node: MdNode): string {
  if (typeof node === 'string') return node;
  const inner = node.c.map(textOf).join(node.t === 'p' || node.t === 'code' || node.t === 'strong' || node.t === 'em' || node.t === 'del' || node.t === 'a' ? '' : ' ');
  return node.t === 'br' ? ' ' : inner;
}
