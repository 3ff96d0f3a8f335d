import DOMPurify, { type Config } from 'dompurify';
import { Marked, type Tokens } from 'marked';

/**
 * User-written markdown (posts, topics, replies) as safe HTML. Raw HTML in the markdown is shown as text
 * (never parsed), and everything marked produces then goes through DOMPurify
 * with a short allow-list: no scripts, event handlers, styles, images, forms
 * or frames, and links only to http(s), mailto and tel (a `javascript:` link
 * keeps its text and loses its address). Every link opens in a new tab with
 * rel="noopener noreferrer nofollow". Only this function's output may reach
 * the DOM as HTML.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return purifier().sanitize(html, PURIFY_CONFIG);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML (block or inline) is text, as typed.
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    // Headings in user text stay inside the widget's own heading levels: bold paragraphs.
    heading({ tokens }: Tokens.Heading) {
      return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>\n`;
    },
    // No images from anywhere (tracking pixels): a link to the image instead.
    image({ href, text }: Tokens.Image) {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
    },
  },
});

const ALLOWED_URI = /^(?:https?:|mailto:|tel:)/i;

const PURIFY_CONFIG: Config & { RETURN_TRUSTED_TYPE: false } = {
  ALLOWED_TAGS: [
    'p', 'br', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  ALLOWED_ATTR: ['href', 'title', 'start', 'align'],
  ALLOWED_URI_REGEXP: ALLOWED_URI,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  RETURN_TRUSTED_TYPE: false,
};

let instance: ReturnType<typeof DOMPurify> | null = null;

/** The widgets' own DOMPurify (its hooks never touch the page's global one). */
function purifier() {
  if (instance) return instance;
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      const href = el.getAttribute('href');
      if (href && ALLOWED_URI.test(href.replace(/\s+/g, ''))) {
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer nofollow');
      } else {
        el.removeAttribute('href');
      }
    }
  });
  instance = purify;
  return purify;
}
