import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { render } from 'lit';
import { markdown, markdownText, parseMarkdown } from './markdown.js';
import { XSS_PAYLOADS } from '../testing/xss.js';

declare global {
  interface Window {
    __jcXss?: unknown;
  }
}

/** The element the Markdown renders into (in the document, so images would load and handlers would run). */
function rendered(source: string): HTMLElement {
  const div = document.createElement('div');
  document.body.append(div);
  render(markdown(source), div);
  return div;
}

/** The rendered HTML, without Lit's comment markers. */
function out(source: string): string {
  const div = rendered(source);
  div.remove();
  return div.innerHTML.replace(/<!--[^]*?-->/g, '');
}

const ELEMENTS = new Set(['P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A', 'HR', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD']);
const ATTRIBUTES: Record<string, string[]> = { A: ['href', 'title', 'target', 'rel'], OL: ['start'], TH: ['align'], TD: ['align'] };

/** Checks what any Markdown may produce: known elements, known attributes, safe links, no comments but Lit's. */
function expectSafe(root: HTMLElement, source: string) {
  for (const node of root.querySelectorAll('*')) {
    expect(ELEMENTS.has(node.tagName), `${node.tagName} from ${JSON.stringify(source)}`).to.equal(true);
    for (const attr of node.getAttributeNames()) expect(ATTRIBUTES[node.tagName] ?? [], `${node.tagName} ${attr} from ${JSON.stringify(source)}`).to.include(attr);
    if (node.tagName === 'A') {
      expect(node.getAttribute('href'), `href from ${JSON.stringify(source)}`).to.match(/^(https?|mailto|tel):[^\s\0-\x1f]*$/i);
      expect(node.getAttribute('target')).to.equal('_blank');
      expect(node.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
    }
    if (node.hasAttribute('start')) expect(node.getAttribute('start')).to.match(/^\d+$/);
    if (node.hasAttribute('align')) expect(node.getAttribute('align')).to.be.oneOf(['left', 'center', 'right']);
  }
}

describe('markdown', () => {
  it('renders the inline subset', () => {
    expect(out('**b** _i_')).to.equal('<p><strong>b</strong> <em>i</em></p>');
    expect(out('__b__ *i* ~~gone~~ `a < b`')).to.equal('<p><strong>b</strong> <em>i</em> <del>gone</del> <code>a &lt; b</code></p>');
    expect(out('**a *b* c** and *a **b** c* and ***both***')).to.equal(
      '<p><strong>a <em>b</em> c</strong> and <em>a <strong>b</strong> c</em> and <em><strong>both</strong></em></p>',
    );
    expect(out('snake_case_name stays, un*frigging*believable does not')).to.equal('<p>snake_case_name stays, un<em>frigging</em>believable does not</p>');
    expect(out('\\*not emphasis\\* and 2 * 3 * 4')).to.equal('<p>*not emphasis* and 2 * 3 * 4</p>');
    expect(out('``code with ` inside``')).to.equal('<p><code>code with ` inside</code></p>');
    expect(out('line one\nline two')).to.equal('<p>line one<br>line two</p>');
  });

  it('pairs emphasis as CommonMark does', () => {
    const cases: [string, string][] = [
      ['*foo**bar**baz*', '<p><em>foo<strong>bar</strong>baz</em></p>'],
      ['*foo**bar*', '<p><em>foo**bar</em></p>'],
      ['**foo*bar*baz**', '<p><strong>foo<em>bar</em>baz</strong></p>'],
      ['foo***bar***baz', '<p>foo<em><strong>bar</strong></em>baz</p>'],
      ['*(*foo*)*', '<p><em>(<em>foo</em>)</em></p>'],
      ['__foo, __bar__, baz__', '<p><strong>foo, <strong>bar</strong>, baz</strong></p>'],
      ['_foo_bar_baz_', '<p><em>foo_bar_baz</em></p>'],
      ['*foo *bar**', '<p><em>foo <em>bar</em></em></p>'],
      ['**foo*', '<p>*<em>foo</em></p>'],
      ['*foo**', '<p><em>foo</em>*</p>'],
      ['5*6*78', '<p>5<em>6</em>78</p>'],
      ['a * foo bar*', '<p>a * foo bar*</p>'],
      ['*foo bar *', '<p>*foo bar *</p>'],
      ['foo-_(bar)_', '<p>foo-<em>(bar)</em></p>'],
      ['***strong** in emph*', '<p><em><strong>strong</strong> in emph</em></p>'],
      ['***emph* in strong**', '<p><strong><em>emph</em> in strong</strong></p>'],
      ['*in emph **strong***', '<p><em>in emph <strong>strong</strong></em></p>'],
      ['~~Hi~~ Hello, ~there~ world!', '<p><del>Hi</del> Hello, <del>there</del> world!</p>'],
      ['This ~~has a\n\nnew paragraph~~.', '<p>This ~~has a</p><p>new paragraph~~.</p>'],
    ];
    for (const [source, html] of cases) expect(out(source), source).to.equal(html);
  });

  it('parses crafted bodies of the longest length (20,000 characters) in linear time, and nests at most a few levels', () => {
    const n = 20_000;
    const fill = (s: string) => s.repeat(Math.floor(n / s.length));
    const crafted: Record<string, string> = {
      'spaces in a heading': `# a${' '.repeat(n)}b`,
      'spaces before a line break': `a${' '.repeat(n)}x\nb`,
      'open brackets': '['.repeat(n),
      'nested links': `${'['.repeat(n / 20)}a${'](https://a.example)'.repeat(n / 20)}`,
      'unclosed link tails': fill('[a]('),
      'unclosed titles': fill('[a](x "'),
      'closers only': fill('a* '),
      'openers only': fill(' *a'),
      'nested emphasis': `${'*a '.repeat(n / 6)}b${' a*'.repeat(n / 6)}`,
      'nested strong': `${'**'.repeat(n / 4)}a${'**'.repeat(n / 4)}`,
      'alternating delimiters': fill('*_'),
      'mixed delimiters': fill('**a__b*'),
      'nested quotes': `${'>'.repeat(n)} x`,
      'nested lists': fill('- ') + 'x',
      'indented lists': Array.from({ length: 140 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'),
      'table delimiter spaces': `|a|\n|-${' '.repeat(n)}x`,
      'backtick runs': Array.from({ length: 190 }, (_, i) => '`'.repeat(i + 1)).join(' a '),
      'address punctuation': `https://x.example/${'.'.repeat(n)}a`,
      'address parentheses': `https://x.example${')'.repeat(n)}`,
      'e-mail run': `${'a.'.repeat(n / 2)}@`,
      'autolink run': `<${'a'.repeat(n)}`,
    };
    const depth = (node: Element): number => Math.max(0, ...[...node.children].map((c) => 1 + depth(c)));
    for (const [name, source] of Object.entries(crafted)) {
      const started = performance.now();
      parseMarkdown(source);
      markdownText(source);
      expect(performance.now() - started, `${name}: milliseconds to parse`).to.be.below(1000);
      const root = rendered(source);
      expect(depth(root), `${name}: element depth`).to.be.at.most(40);
      expectSafe(root, name);
      root.remove();
    }
  });

  it('renders links: only http(s), mailto and tel, each in a new tab', () => {
    const a = rendered('[x](https://example.gov "The title")').querySelector('p > a')!;
    expect(a.getAttribute('href')).to.equal('https://example.gov');
    expect(a.getAttribute('title')).to.equal('The title');
    expect(a.getAttribute('target')).to.equal('_blank');
    expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
    expect(a.textContent).to.equal('x');
    const hrefs = (source: string) => [...rendered(source).querySelectorAll('a')].map((l) => [l.getAttribute('href'), l.textContent]);
    expect(hrefs('[mail](mailto:desk@example.gov) [call](tel:+15125550100) [p](https://a.example/(x))')).to.deep.equal([
      ['mailto:desk@example.gov', 'mail'],
      ['tel:+15125550100', 'call'],
      ['https://a.example/(x)', 'p'],
    ]);
    expect(hrefs('See https://www.example.gov/a?b=1. Or www.example.gov, or desk@example.gov!')).to.deep.equal([
      ['https://www.example.gov/a?b=1', 'https://www.example.gov/a?b=1'],
      ['http://www.example.gov', 'www.example.gov'],
      ['mailto:desk@example.gov', 'desk@example.gov'],
    ]);
    expect(hrefs('<https://example.gov/x> <desk@example.gov>')).to.deep.equal([
      ['https://example.gov/x', 'https://example.gov/x'],
      ['mailto:desk@example.gov', 'desk@example.gov'],
    ]);
    // Any other address keeps the link's text only.
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'javascript&#58;alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:msgbox', '/relative', '//evil.example/x']) {
      expect(out(`[x](${bad})`), bad).to.equal('<p>x</p>');
    }
    // A space or tab ends a destination: that is no link at all, only text.
    expect(out('[x](java\tscript:alert(1))')).to.equal('<p>[x](java\tscript:alert(1))</p>');
    expect(out('<javascript:alert(1)>')).to.equal('<p>&lt;javascript:alert(1)&gt;</p>');
    // A link inside a link's text is only text.
    expect(hrefs('[a [b](https://b.example) c](https://a.example)')).to.deep.equal([['https://a.example', 'a b c']]);
  });

  it('shows a mention as @Name, and an image as a link to it', () => {
    expect(out('@[Tpr. Ray Whitehorse](user:usr_ray) the number is in the guidelines.')).to.equal('<p>@Tpr. Ray Whitehorse the number is in the guidelines.</p>');
    const a = rendered('![Map of the corridor](https://example.gov/map.png)').querySelector('a')!;
    expect(a.getAttribute('href')).to.equal('https://example.gov/map.png');
    expect(a.textContent).to.equal('Map of the corridor');
    expect(out('![a](javascript:alert(1))')).to.equal('<p>a</p>');
  });

  it('renders the block subset', () => {
    expect(out('# Heading')).to.equal('<p><strong>Heading</strong></p>');
    expect(out('Setext\n===\n\npara')).to.equal('<p><strong>Setext</strong></p><p>para</p>');
    expect(out('one\n\ntwo')).to.equal('<p>one</p><p>two</p>');
    expect(out('Steps:\n- one\n- two\n  - nested\n\nDone.')).to.equal('<p>Steps:</p><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><p>Done.</p>');
    expect(out('1. one\n2. two')).to.equal('<ol><li>one</li><li>two</li></ol>');
    expect(out('3) three\n4) four')).to.equal('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(out('- loose\n\n- list')).to.equal('<ul><li><p>loose</p></li><li><p>list</p></li></ul>');
    expect(out('> quoted\nlazily continued\n\nafter')).to.equal('<blockquote><p>quoted<br>lazily continued</p></blockquote><p>after</p>');
    expect(out('```\n<b>not bold</b>\n  kept\n```')).to.equal('<pre><code>&lt;b&gt;not bold&lt;/b&gt;\n  kept</code></pre>');
    expect(out('    indented\n    code')).to.equal('<pre><code>indented\ncode</code></pre>');
    expect(out('above\n\n---\n\nbelow')).to.equal('<p>above</p><hr><p>below</p>');
    expect(out('| Unit | Stretch |\n|:--|:-:|\n| DPS | MM 200 \\| 215 |\n| OHP | `Red River` |')).to.equal(
      '<table><thead><tr><th align="left">Unit</th><th align="center">Stretch</th></tr></thead>' +
        '<tbody><tr><td align="left">DPS</td><td align="center">MM 200 | 215</td></tr><tr><td align="left">OHP</td><td align="center"><code>Red River</code></td></tr></tbody></table>',
    );
  });

  it('shows raw HTML as the text that was typed, and runs none of it', async () => {
    window.__jcXss = undefined;
    const payloads = [
      ...XSS_PAYLOADS,
      '[x](https://example.gov" onmouseover="window.__jcXss=\'attr\') [y](https://example.gov "t\\" onclick=\\"window.__jcXss=1")',
      '<!-- comment --> --> <![CDATA[x]]> &lt;b&gt; &#x3C;script&#x3E;',
      '| <img src=x onerror="window.__jcXss=\'cell\'"> |\n|---|\n| <script>window.__jcXss="cell2"</script> |',
      '> <iframe srcdoc="<script>parent.__jcXss=1</script>"></iframe>\n- <style>*{display:none}</style>\n```\n</code></pre><img src=x onerror="window.__jcXss=\'fence\'">\n```',
    ];
    const roots = payloads.map((p) => rendered(p));
    await new Promise((r) => setTimeout(r, 300));
    expect(window.__jcXss, 'no payload ran').to.equal(undefined);
    roots.forEach((root, i) => expectSafe(root, payloads[i]!));
    expect(roots[0]!.textContent).to.equal('<script>window.__jcXss = "script"</script> plain <b>bold?</b>');
    expect(roots[4]!.textContent).to.include('<a href="javascript:window.__jcXss=\'raw-a\'">raw link</a>');
    expect(roots[7]!.textContent).to.equal('<!-- comment --> --> <![CDATA[x]]> &lt;b&gt; &#x3C;script&#x3E;');
    expect(roots[9]!.querySelector('pre')!.textContent).to.equal('</code></pre><img src=x onerror="window.__jcXss=\'fence\'">');
    for (const root of roots) root.remove();
  });

  it('makes only the known elements and attributes, and only safe links, from any text', () => {
    const piece = fc.constantFrom(
      '*', '**', '_', '__', '~~', '`', '```', '[', ']', '(', ')', '![', '<', '>', '"', "'", '&', '#', '- ', '1. ', '> ', '|', '---', '\n', '\n\n', '    ',
      ' ', 'x', 'javascript:', 'JaVaScRiPt:', 'data:', 'https://a.example', 'mailto:', 'www.', '@', 'onerror=', '<img src=x ', '<script>', '\\', '\t', '&#58;', '\u0000', '\u00a0',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const source = pieces.join('');
        const root = rendered(source);
        try {
          expectSafe(root, source);
        } finally {
          root.remove();
        }
      }),
      { numRuns: 1500, seed: 20260526 },
    );
  });

  it('shows text without Markdown in it exactly as typed, HTML and all', () => {
    const word = fc.constantFrom('<', '>', '/', '"', "'", '=', '&', ';', 'a', 'b', 'img', 'script', 'on', 'src', ' ', 'x', '&lt;', '&amp;');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 30 }), (words) => {
        const source = `x${words.join('')}`.replace(/ +/g, ' ');
        const root = rendered(source);
        try {
          expect(root.textContent).to.equal(source.trim());
          expect(root.querySelectorAll('*').length, source).to.equal(1);
        } finally {
          root.remove();
        }
      }),
      { numRuns: 500, seed: 20260526 },
    );
  });

  it('reads as one line of text for excerpts', () => {
    expect(markdownText('**Bold** and [a link](https://example.gov)\n\n- one\n- two\n\n<b>raw</b>')).to.equal('Bold and a link one two <b>raw</b>');
    expect(markdownText('line one\nline two')).to.equal('line one line two');
  });
});
