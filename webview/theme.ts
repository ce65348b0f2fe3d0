/**
 * The editor's theme, as the panel draws with it: VS Code sets `--vscode-*` CSS variables on the
 * page and a `vscode-light` / `vscode-dark` / `vscode-high-contrast` class on the body. Canvas and
 * chart colours are read from the variables, and everything is redrawn when the class changes.
 */
export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast';
  foreground: string;
  background: string;
  /** Faint lines: grid, axes. */
  grid: string;
  font: string;
  /** The two runs of the chart. */
  lstm: string;
  rnn: string;
  /** Marks (best checkpoint, selected row). */
  accent: string;
  /** Per gate in the saturation plot. */
  input: string;
  forget: string;
  output: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const cls = document.body.classList;
  const kind = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light') ? 'high-contrast'
    : cls.contains('vscode-light') ? 'light' : 'dark';
  const light = kind === 'light';
  const foreground = cssVar('--vscode-editor-foreground', light ? '#333333' : '#cccccc');
  return {
    kind,
    foreground,
    background: cssVar('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    grid: cssVar('--vscode-editorIndentGuide-background1', cssVar('--vscode-panel-border', light ? '#e0e0e0' : '#404040')),
    font: `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`,
    lstm: cssVar('--vscode-charts-blue', '#3794ff'),
    rnn: cssVar('--vscode-charts-orange', '#d18616'),
    accent: cssVar('--vscode-charts-red', '#f14c4c'),
    input: cssVar('--vscode-charts-green', '#89d185'),
    forget: cssVar('--vscode-charts-purple', '#b180d7'),
    output: cssVar('--vscode-charts-yellow', '#cca700'),
  };
}

/** Calls `redraw` after every theme change. */
export function onThemeChange(redraw: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    redraw();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
