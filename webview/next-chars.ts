/**
 * The model's five most likely next characters at the cursor, as a small table with bars.
 *
 * DOM attributes: the table `data-next` (JSON `[{"char":…,"p":…}]`, p rounded to 1e-4); each
 * row `data-char` and `data-p`.
 */
import { describeChar } from './chars';

export class NextChars {
  readonly el: HTMLElement;
  private readonly table: HTMLTableElement;

  constructor() {
    this.el = document.createElement('figure');
    this.el.className = 'next-chars';
    const caption = document.createElement('figcaption');
    caption.textContent = 'Next character at the cursor';
    this.table = document.createElement('table');
    this.el.append(caption, this.table);
  }

  show(next: { char: string; p: number }[]): void {
    this.table.dataset.next = JSON.stringify(next.map((n) => ({ char: n.char, p: Math.round(n.p * 1e4) / 1e4 })));
    this.table.replaceChildren(...next.map((n) => {
      const row = document.createElement('tr');
      row.dataset.char = n.char;
      row.dataset.p = String(n.p);
      const char = document.createElement('td');
      char.className = 'char';
      char.textContent = describeChar(n.char);
      const p = document.createElement('td');
      p.className = 'p';
      p.textContent = `${(100 * n.p).toFixed(1)}%`;
      const barCell = document.createElement('td');
      barCell.className = 'bar-cell';
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, Math.round(100 * n.p))}%`;
      barCell.append(bar);
      row.append(char, p, barCell);
      return row;
    }));
  }
}
