/**
 * Spanish everywhere: every story of every widget is rendered in English and
 * in Spanish (testing/stories.ts, on the recorded fixtures), and the test
 * fails if the Spanish render still shows English. It reads what a sighted
 * reader and a screen reader get: every text node, shadow roots included,
 * and the attributes read aloud or shown (aria-label, title, placeholder,
 * alt…).
 *
 * A piece of text left in English is one the two renders share that is not
 * data: user content, names and messages of the recorded fixtures (the
 * fixture and story sources, where every such string is written) are the
 * same in both languages on purpose. Text from no fixture that reads the
 * same in both renders was never translated (a string outside `msg()`, or a
 * `msg()` without a target). The Spanish render also may not contain any
 * English source string of xliff/es.xlf whose translation differs.
 *
 * The list of stories is the one the stories test keeps (testing/all-stories.ts).
 */
import { expect } from '@open-wc/testing';
import { useLocale } from './shared/localization.js';
import { composeStories, renderStory } from './testing/stories.js';
import { STORIES } from './testing/all-stories.js';

/** Words that are the same in Spanish, and names. */
const SAME_IN_BOTH = new Set(['JusticeConnect', 'Markdown', 'Error', 'Total', 'PDF', 'KB', 'MB', 'bytes', 'N-DEx', 'QR']);

const READ_ATTRIBUTES = ['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt'];

/**
 * Every piece of text the reader sees or hears, shadow roots included. Text
 * inside a `part="body"` (a post's, reply's or update's Markdown, user
 * content by definition) is marked as such.
 */
function textsOf(root: Node): Map<string, boolean> {
  const found = new Map<string, boolean>();
  const add = (text: string | null, content: boolean) => {
    const t = text?.replace(/\s+/g, ' ').trim();
    if (t) found.set(t, content || (found.get(t) ?? false));
  };
  const walk = (node: Node, content: boolean) => {
    if (node.nodeType === Node.TEXT_NODE) return add(node.textContent, content);
    if (node instanceof Element) {
      if (['STYLE', 'SCRIPT', 'TEMPLATE'].includes(node.tagName)) return;
      content ||= node.part.contains('body');
      for (const name of READ_ATTRIBUTES) add(node.getAttribute(name), content);
      if (node instanceof HTMLInputElement && ['button', 'submit', 'reset'].includes(node.type)) add(node.value, content);
      if (node.shadowRoot) walk(node.shadowRoot, content);
    }
    for (const child of node.childNodes) walk(child, content);
  };
  walk(root, false);
  return found;
}

/** Decodes the \u escapes esbuild writes for non-ASCII characters in the served sources. */
const unescape = (js: string) =>
  js.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g, (_, long: string | undefined, short: string | undefined) => String.fromCodePoint(parseInt(long ?? short!, 16)));

/** The fixtures' and stories' string literals (template literals cut at their expressions), Markdown marks taken out. */
let literals: string[] = [];
/** English source strings (their text between placeholders) whose Spanish differs. */
let englishPhrases: string[] = [];
/** English source strings without placeholders whose Spanish differs, whole. */
let englishWhole = new Set<string>();

/** Text as compared with the fixtures: no Markdown marks, one space. */
const plain = (text: string) =>
  text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function literalsOf(js: string): string[] {
  const found: string[] = [];
  for (const m of js.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)) {
    const body = m[0].slice(1, -1).replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n');
    found.push(...body.split(/\$\{[^}]*\}/).map(plain).filter(Boolean));
  }
  return found;
}

before(async () => {
  const sources = [
    '/packages/components/src/testing/fixtures.ts',
    '/packages/components/src/testing/fixture-http.ts',
    '/packages/components/src/testing/community-fixtures.ts',
    '/packages/components/src/testing/post-fixtures.ts',
    '/packages/components/src/testing/forum-fixtures.ts',
    '/packages/components/src/testing/forum-routes.ts',
    '/packages/components/src/testing/activity-fixtures.ts',
    '/packages/components/src/testing/service-fixtures.ts',
    '/packages/components/src/testing/story-args.ts',
    ...Object.keys(STORIES).map((file) => `/packages/components/src/${file}`),
  ];
  const texts = await Promise.all(
    sources.map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return unescape(await response.text());
    }),
  );
  literals = texts.flatMap(literalsOf);
  const xliff = new DOMParser().parseFromString(await (await fetch('/packages/components/xliff/es.xlf')).text(), 'application/xml');
  for (const unit of xliff.querySelectorAll('trans-unit')) {
    const source = unit.querySelector('source')!;
    const target = unit.querySelector('target');
    if (target && target.textContent === source.textContent) continue;
    const pieces = [...source.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent!.trim());
    if (source.children.length === 0) englishWhole.add(source.textContent!.trim());
    // The words between placeholders: long enough to be a phrase, not a word Spanish shares.
    englishPhrases.push(...pieces.filter((t) => t.length >= 12 && t.includes(' ')));
  }
});

after(async () => {
  await useLocale('en');
});

/** Whether `text` has words to translate: letters, once the words Spanish shares and codes (ORIs, keys, MM 188) are taken out. */
const hasWords = (text: string) =>
  text
    .split(/[^\p{L}\p{N}-]+/u)
    .some((w) => /\p{L}{2,}/u.test(w) && !SAME_IN_BOTH.has(w) && !/^[\p{Lu}\p{N}-]+$/u.test(w));

/**
 * Whether `text` is the fixtures' own (content, names, their messages): it is
 * in one of their literals, or each piece of it between separators (` · `,
 * parentheses, commas) is, or has no words.
 */
function isData(text: string, content = false): boolean {
  // User content rendered from Markdown comes in pieces (an emphasised word): any piece of a literal is data there.
  if (content && literals.some((l) => l.includes(plain(text)))) return true;
  // A word or two ("Reply", "Type") is data only as a whole piece of a literal (a table cell, a name), not inside a sentence.
  const inLiteral = (t: string) =>
    t.split(' ').length >= 3 ? literals.some((l) => l.includes(t)) : literals.some((l) => l === t || l.split(/ ?[|\n·()] ?|: |, |\. /).some((piece) => piece.trim() === t));
  const p = plain(text);
  if (inLiteral(p)) return true;
  return p
    .split(/ · |[()]|, | — | – |: /)
    .map((piece) => piece.trim())
    .every((piece) => !piece || !hasWords(piece) || inLiteral(piece));
}

for (const [file, module] of Object.entries(STORIES)) {
  describe(`Spanish: ${file}`, () => {
    for (const story of composeStories(module)) {
      it(`${story.title} / ${story.name} shows no English in Spanish`, async () => {
        const render = async (locale: string) => {
          const container = document.createElement('div');
          container.style.width = '760px';
          document.body.append(container);
          try {
            await renderStory(module, story.exportName, container, { locale });
            return textsOf(container);
          } finally {
            container.remove();
          }
        };
        const english = await render('en');
        const spanish = await render('es');
        // A story that chooses its own language (the provider's Spanish story) speaks it in both renders.
        const ownLocale = typeof story.args.locale === 'string' && story.args.locale !== '';
        const shown = [...spanish].filter(([t, content]) => !isData(t, content)).map(([t]) => t);
        const untranslated = ownLocale ? [] : shown.filter((t) => english.has(t) && hasWords(t));
        const whole = shown.filter((t) => englishWhole.has(t)).map((t) => `${t} (an English string)`);
        const phrases = shown.flatMap((t) => englishPhrases.filter((phrase) => t.includes(phrase)).map((phrase) => `${phrase} (in “${t}”)`));
        expect([...new Set([...untranslated, ...whole, ...phrases])].join('\n'), 'text still in English in the Spanish render').to.equal('');
        // The Spanish render says something whenever the English one did.
        if ([...english.keys()].some(hasWords)) expect([...spanish.keys()].some(hasWords), 'the Spanish render shows text').to.equal(true);
      });
    }
  });
}
