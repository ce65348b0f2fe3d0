/** Text for the panel's numbers: locale-independent, so tests and screenshots read the same everywhere. */

const NONE = '–';

/** "0 s", "<1 s", "42 s", "4 min 5 s", "2 h 7 min"; "–" for a negative or unknown time. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  if (ms === 0) return '0 s';
  if (ms < 1000) return '<1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "3.4 chars/s", "4,932 chars/s", "1.23M chars/s"; "–" for a negative or unknown rate. */
export function formatRate(charsPerSec: number): string {
  if (!Number.isFinite(charsPerSec) || charsPerSec < 0) return NONE;
  if (charsPerSec < 10) return `${charsPerSec.toFixed(1)} chars/s`;
  if (charsPerSec < 1e6) return `${formatCount(charsPerSec)} chars/s`;
  return `${(charsPerSec / 1e6).toFixed(2)}M chars/s`;
}

/** A whole number with thousands separators: "340,000". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A short count for chart axes: "950", "340k", "1.2M", "3G". */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  const a = Math.abs(n);
  for (const [unit, size] of [['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (a >= size) return `${trim(n / size)}${unit}`;
  }
  return trim(n);
}

/** A loss in nats/char to three decimals, as the README and the CLI give it: "1.445". */
export function formatLoss(nats: number): string {
  return Number.isFinite(nats) ? nats.toFixed(3) : NONE;
}

/** At most one decimal, none when whole: 1.2, 340. */
function trim(x: number): string {
  return String(Math.round(x * 10) / 10);
}
