/**
 * The Insides tab's unit search: the units whose chosen signal is highest on a class of
 * characters (letters, spaces, quotes, …) against elsewhere in the text, best first; a click
 * chooses one. DOM attributes: each item (`.unit-list li`) `data-unit` and `data-score`.
 */
import type { Insides, Signal } from '../src/protocol/panel';
import type { Dropdown } from './components/dropdown';
import { CLASS_NAMES, type CharClass } from './logic/char-classes';
import { searchUnits } from './logic/unit-search';

/** Units listed. */
const LISTED = 12;

export class UnitSearchView {
  readonly el: HTMLElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLElement;

  /** `classChoice` is the dropdown of character classes, owned (and its choice kept) by the caller. */
  constructor(classChoice: Dropdown<CharClass>, private readonly onSelect: (unit: number) => void) {
    this.el = document.createElement('figure');
    this.el.className = 'unit-search';
    const caption = document.createElement('figcaption');
    caption.textContent = 'Unit search';
    this.status = document.createElement('div');
    this.status.className = 'hint';
    this.list = document.createElement('ul');
    this.list.className = 'unit-list';
    this.list.setAttribute('role', 'listbox');
    this.el.append(caption, classChoice.el, this.status, this.list);
  }

  /** Ranks the units of `ins` by `signal` on `cls`; `title` names the signal, `selected` is marked. */
  render(ins: Insides, signal: Signal, title: string, cls: CharClass, selected: number | null): void {
    const found = searchUnits(ins.values[signal], ins.chars.length, ins.hidden, ins.chars, cls);
    const name = CLASS_NAMES[cls];
    if (found.status !== 'ranked') {
      this.status.textContent = found.status === 'no-occurrences'
        ? `No ${name} in the text before the cursor: move the cursor past some.`
        : `The text before the cursor is all ${name}: nothing to compare with.`;
      this.list.replaceChildren();
      return;
    }
    this.status.textContent = `${title}: mean on ${name} (${found.occurrences}) minus elsewhere (${found.others}); click to choose.`;
    this.list.replaceChildren(...found.units.slice(0, LISTED).map((r) => {
      const item = document.createElement('li');
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', String(r.unit === selected));
      item.dataset.unit = String(r.unit);
      item.dataset.score = String(r.score);
      item.textContent = `unit ${r.unit}: ${r.score >= 0 ? '+' : ''}${r.score.toFixed(3)} (${r.inClass.toFixed(3)} vs ${r.outside.toFixed(3)})`;
      item.addEventListener('click', () => this.onSelect(r.unit));
      return item;
    }));
  }
}
