// code-server writes a folder of logs per session under `<user-data-dir>/logs`; the extension
// host's (and each extension's output channel) are in there, and say why a test saw nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every `*.log` under `dir`, each headed by its path and cut to its last `perFile` characters. */
export function readLogs(dir: string, perFile = 6000): string {
  const parts: string[] = [];
  for (const file of logFiles(dir)) {
    let text = readFileSync(file, 'utf8');
    if (text.trim() === '') continue;
    if (text.length > perFile) text = `…${text.slice(-perFile)}`;
    parts.push(`=== ${relative(dir, file)} ===\n${text.trimEnd()}`);
  }
  return parts.length ? parts.join('\n') : `(no logs under ${dir})`;
}

/** Log files whose path matches `pattern`, e.g. /exthost/ for the extension host's. */
export function logFiles(dir: string, pattern = /\.log$/): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.log') && pattern.test(p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The first line matching `line` in a log file whose path matches `file`, once one is written
 * (VS Code flushes an output channel to its file a moment after the extension writes it).
 */
export async function waitForLogLine(dir: string, file: RegExp, line: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const f of logFiles(dir, file)) {
      const m = readFileSync(f, 'utf8').match(line);
      if (m) return m;
    }
    if (Date.now() > end) throw new Error(`no line matching ${line} in logs matching ${file} under ${dir} within ${timeoutMs} ms`);
    await new Promise<void>((r) => setTimeout(r, 200));
  }
}
