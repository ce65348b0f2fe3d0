/** The language a corpus file is counted under in the manifest's mix, by its name. */
const BY_EXTENSION: Record<string, string> = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.mjs': 'JavaScript', '.cjs': 'JavaScript', '.jsx': 'JavaScript',
  '.py': 'Python', '.md': 'Markdown', '.markdown': 'Markdown', '.txt': 'Prose',
  '.json': 'JSON', '.yml': 'YAML', '.yaml': 'YAML', '.css': 'CSS', '.scss': 'CSS', '.sass': 'CSS',
  '.html': 'HTML', '.htm': 'HTML', '.sh': 'Shell', '.bash': 'Shell',
};

export function languageOf(file: string, text: string): string {
  const dot = file.lastIndexOf('.');
  const ext = dot > file.lastIndexOf('/') ? file.slice(dot).toLowerCase() : '';
  if (BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  if (/^#!.*\b(ba|z|da)?sh\b/.test(text)) return 'Shell';
  return 'other';
}
