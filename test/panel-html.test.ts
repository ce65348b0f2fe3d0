// The panel's Content Security Policy: no script runs without the page's nonce, nothing loads
// from a remote origin, no inline styles or eval, and each page load has a fresh nonce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelHtml } from '../src/extension/panel/panel-html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const page = () => panelHtml({ cspSource: SOURCE, asset: (...p) => `${SOURCE}/ext/${p.join('/')}` });

function policy(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the page declares a CSP');
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

test('scripts need the nonce; every source is the extension\'s own files; nothing unsafe', () => {
  const html = page();
  const csp = policy(html);
  const nonce = /<meta property="csp-nonce" content="([0-9a-f]+)">/.exec(html)?.[1] ?? '';
  assert.equal(nonce.length, 32, '128-bit nonce');
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
  for (const [name, values] of csp) {
    for (const v of values) {
      assert.ok(!/unsafe|^\*$|^https?:$|^data:$/.test(v) || (name === 'img-src' && v === 'data:'), `${name} ${v}`);
      if (/^https?:\/\//.test(v)) assert.equal(v, SOURCE, `${name} allows only the webview's own origin`);
    }
  }
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script nonce="${nonce}" src="${SOURCE}/ext/dist/webview.js">`]);
  assert.ok(!/<script\b[^>]*>[^<]+<\/script>/.test(html), 'no inline script body');
  assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
  for (const href of [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1])) assert.ok(href.startsWith(`${SOURCE}/ext/`), href);
});

test('each page load gets a fresh nonce', () => {
  const nonces = new Set(Array.from({ length: 50 }, () => /csp-nonce" content="([^"]+)"/.exec(page())?.[1]));
  assert.equal(nonces.size, 50);
});
