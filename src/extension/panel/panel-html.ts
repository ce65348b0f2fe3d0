/**
 * The panel's page, locked down by a Content Security Policy: scripts only with this page's
 * nonce, styles and fonts only from the extension's own files (`cspSource`, the webview's origin
 * for its local resource roots dist/ and media/), images from there or data: URIs, nothing else
 * (no remote origin, no 'unsafe-inline', no 'unsafe-eval'). No vscode import: tested in plain Node.
 */
import { randomBytes } from 'node:crypto';

export interface PanelPage {
  /** The webview's `cspSource`. */
  cspSource: string;
  /** The webview URI of a file of the extension, e.g. asset('dist', 'webview.js'). */
  asset: (...segments: string[]) => string;
  /** Fresh for each page load; default 128 random bits. */
  nonce?: string;
}

export function panelHtml({ cspSource, asset, nonce = makeNonce() }: PanelPage): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview.css')}">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>Char LSTM</title>
</head>
<body>
<div id="app" data-state="loading">Loading the Char LSTM panel…</div>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}

/** 128 random bits, hex. */
function makeNonce(): string {
  return randomBytes(16).toString('hex');
}
