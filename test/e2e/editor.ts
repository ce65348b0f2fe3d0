// Page-level helpers over the VS Code workbench DOM (selectors as in /work/shared/E2E.md).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const OUTPUT_DIR = resolve(__dirname, '../../test-output');
const QUICK_INPUT = '.quick-input-widget input';
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';
export const STATUS_ITEM = '#workbench\\.parts\\.statusbar [id*="charLstm.status"]';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Opens a workspace file by quick open and leaves the cursor in its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator(QUICK_INPUT);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
  await page.locator(`${ACTIVE_EDITOR} .view-lines`).waitFor();
  await focusEditor(page);
  // Typed at once after the editor opens, VS Code sometimes never asks the inline completion
  // provider (measured: no request at all in 5 of 6 starts); after a pause of 0.7 s or more it
  // asked in 12 of 12.
  await sleep(1500);
}

/** Types like a user, one key at a time, so the editor's providers see every keystroke. */
export async function typeText(page: Page, text: string, delayMs = 15): Promise<void> {
  await page.keyboard.type(text, { delay: delayMs });
}

/**
 * The inline ghost text in the active editor ('' when none), with spaces as spaces. Only the
 * part on the cursor's line: a multi-line suggestion's further lines live in a view zone.
 */
export async function ghostText(page: Page): Promise<string> {
  const parts = await page.locator(`${ACTIVE_EDITOR} .view-lines .ghost-text-decoration`).allTextContents();
  return parts.join('').replace(/\u00a0/g, ' ');
}

export async function waitForGhostText(page: Page, predicate: (text: string) => boolean = (t) => t !== '',
  timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = await ghostText(page);
    if (predicate(last)) return last;
    await sleep(50);
  }
  throw new Error(`no matching ghost text within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/**
 * Ghost text once it has stopped changing for `quietMs`: an early request may be superseded
 * by the one after the last keystroke's debounce. '' when none showed up within `timeoutMs`.
 */
export async function waitForStableGhostText(page: Page, timeoutMs = 30_000, quietMs = 500): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = await ghostText(page);
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(50);
    const now = await ghostText(page);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (now !== '' && Date.now() - since >= quietMs) {
      return now;
    }
  }
  return last;
}

/** Puts the keyboard focus back into the active editor (after a palette or a notification). */
export async function focusEditor(page: Page): Promise<void> {
  await page.locator(`${ACTIVE_EDITOR} textarea`).focus();
}

/**
 * Runs a command by its palette title. Right after start-up the extension's commands may not be
 * registered yet and the palette offers "similar commands" only, so it retries until `timeoutMs`.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // An exact label: "Train on Workspace" must not pick a longer title that contains it.
    const row = page.locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
    try {
      await row.first().waitFor({ timeout: 3000 });
      await row.first().click();
      await input.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > end) throw new Error(`command "${title}" not found in the palette: ${(e as Error).message}`);
      await sleep(1000);
    }
  }
}

/** The text of the extension's status bar item ('' when it is not shown). */
export async function statusBarText(page: Page): Promise<string> {
  const item = page.locator(STATUS_ITEM).first();
  if ((await item.count()) === 0) return '';
  return ((await item.textContent()) ?? '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

export async function waitForStatusBar(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = await statusBarText(page);
    if (pattern.test(last)) return last;
    await sleep(100);
  }
  throw new Error(`status bar did not match ${pattern} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/**
 * Saves the active editor and returns the file's content on disk once the write has landed.
 * The tab's dirty class lags behind typing, so the file itself is watched: a changed mtime and
 * then the same size twice. A file with nothing to save is returned after `timeoutMs`.
 */
export async function saveAndRead(page: Page, file: string, timeoutMs = 5000): Promise<string> {
  const before = statSync(file).mtimeMs;
  await page.keyboard.press('Control+S');
  const end = Date.now() + timeoutMs;
  let size = -1;
  while (Date.now() < end) {
    const st = statSync(file);
    if (st.mtimeMs !== before && st.size === size) break;
    size = st.mtimeMs !== before ? st.size : -1;
    await sleep(100);
  }
  return readFileSync(file, 'utf8');
}

/** A PNG of the whole page in test-output/, kept for a look after the run. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const NOTIFICATION_TOAST = '.notifications-toasts .notification-toast';

export interface Notification {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  /** The message as shown, runs of spaces collapsed but line breaks kept (no source or buttons). */
  message: string;
}

/** The notification toasts on screen now (a toast hides itself after a while; the newest first). */
export async function notifications(page: Page): Promise<Notification[]> {
  // Inline callbacks only: this runs in the page, where tsx's name helpers do not exist.
  return page.locator(NOTIFICATION_TOAST).evaluateAll((toasts) => toasts.map((toast) => {
    const icon = toast.querySelector('.notification-list-item-icon')?.className ?? '';
    const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning'
      : /codicon-info/.test(icon) ? 'info' : 'unknown';
    const text = toast.querySelector('.notification-list-item-message')?.textContent ?? '';
    return { severity, message: text.replace(/\u00a0/g, ' ').replace(/[^\S\n]+/g, ' ').trim() } as Notification;
  }));
}

/** Waits for a toast whose message matches `pattern` and returns it. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<Notification> {
  const end = Date.now() + timeoutMs;
  let last: Notification[] = [];
  while (Date.now() < end) {
    last = await notifications(page);
    const hit = last.find((n) => pattern.test(n.message));
    if (hit) return hit;
    await sleep(100);
  }
  throw new Error(`no notification matching ${pattern} within ${timeoutMs} ms (shown: ${JSON.stringify(last)})`);
}

/**
 * Picks `file` in an open dialog. code-server has no native dialog: VS Code's simple file dialog
 * is a quick input holding a path, so the full path is typed in and accepted with Enter (a second
 * Enter if the first one only completed the path).
 */
export async function pickInFileDialog(page: Page, file: string, timeoutMs = 15_000): Promise<void> {
  const input = page.locator(QUICK_INPUT);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  const end = Date.now() + timeoutMs;
  // The dialog shows first and puts the folder's path in a moment later, over anything typed.
  while ((await input.inputValue()) === '' && Date.now() < end) await sleep(50);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: timeoutMs });
  for (;;) {
    if ((await input.inputValue()) !== file) await input.fill(file);
    await page.keyboard.press('Enter');
    try {
      await input.waitFor({ state: 'hidden', timeout: 2000 });
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`the file dialog did not accept ${file}: ${(e as Error).message}`);
    }
  }
}
