import { expect } from '@open-wc/testing';

/**
 * Script-injection attempts the Markdown tests render (shared/markdown.test.ts)
 * and post through the real server (community-feed.test.ts). Each would set
 * `window.__jcXss` if any of it ran.
 */
export const XSS_PAYLOADS = [
  '<script>window.__jcXss = "script"</script> plain <b>bold?</b>',
  '<img src=x onerror="window.__jcXss = \'img\'"> and <svg onload="window.__jcXss = \'svg\'"><circle r=1></circle></svg>',
  '[click me](javascript:window.__jcXss=\'md-link\') [entity](javascript&#58;window.__jcXss=\'entity\') [spaced]( javascript:alert(1)) <javascript:alert(1)>',
  '![pic](x" onerror="window.__jcXss=\'md-img\') [data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19qY1hzcz0xPC9zY3JpcHQ+) [vb](vbscript:msgbox)',
  '<a href="javascript:window.__jcXss=\'raw-a\'">raw link</a> <iframe src="javascript:window.__jcXss=\'iframe\'"></iframe> <details open ontoggle="window.__jcXss=\'details\'">x</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__jcXss=\'mxss\'"></style></mglyph></table></mtext></math> `<img src=x onerror=alert(1)>`',
];

/* What a payload sets if any of it runs; the tests check it stays unset. */
declare global {
  interface Window {
    __jcXss?: unknown;
  }
}

/**
 * Checks that what a widget rendered from the payloads is inert, after giving
 * any handler the chance to run (images error, svgs load, details toggle):
 * none ran; none of the `dangerous` elements is under any of `scopes`; no
 * element matching `content` has an `on…` handler or a style; every link in a
 * `.body` goes to http(s), mailto or tel, and `safeLink` is among them.
 */
export async function expectInert(
  root: ShadowRoot,
  { dangerous, scopes, content, safeLink }: { dangerous: string[]; scopes: string[]; content: string; safeLink: string },
): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  expect(window.__jcXss, 'no payload ran').to.equal(undefined);
  expect(root.querySelectorAll(dangerous.flatMap((t) => scopes.map((scope) => `${scope} ${t}`)).join(', ')).length).to.equal(0);
  for (const node of root.querySelectorAll(content)) {
    for (const attr of node.getAttributeNames()) expect(attr, `${node.tagName} ${attr}`).to.not.match(/^on/i);
    expect(node.getAttribute('style'), `${node.tagName} style`).to.equal(null);
  }
  const hrefs = [...root.querySelectorAll<HTMLAnchorElement>('.body a')].map((a) => a.getAttribute('href'));
  for (const href of hrefs) if (href !== null) expect(href).to.match(/^(https?:|mailto:|tel:)/i);
  expect(hrefs).to.include(safeLink);
}
