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
