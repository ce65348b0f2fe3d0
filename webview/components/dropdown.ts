import { useToolkit } from './toolkit';

export interface DropdownOption<T extends string> {
  value: T;
  label: string;
}

export interface Dropdown<T extends string> {
  readonly el: HTMLElement;
  readonly value: T;
  /** Replaces the options, keeping `value` if it is still one of them (else the first). */
  setOptions(options: DropdownOption<T>[], value?: T): void;
  setValue(value: T): void;
}

interface ValueElement extends HTMLElement {
  value: string;
}

/** A labelled single-choice list; `onChange` runs on the user's choices only. */
export function createDropdown<T extends string>(label: string, options: DropdownOption<T>[], value: T,
  onChange: (value: T) => void, id?: string): Dropdown<T> {
  useToolkit();
  const wrap = document.createElement('label');
  wrap.className = 'field';
  const caption = document.createElement('span');
  caption.textContent = label;
  const select = document.createElement('vscode-dropdown') as ValueElement;
  if (id) select.id = id;
  wrap.append(caption, select);
  let current = value;
  let values: T[] = [];
  const render = (opts: DropdownOption<T>[]) => {
    values = opts.map((o) => o.value);
    select.replaceChildren(...opts.map((o) => {
      const option = document.createElement('vscode-option') as ValueElement;
      option.setAttribute('value', o.value);
      option.textContent = o.label;
      return option;
    }));
  };
  const show = (v: T) => {
    current = v;
    select.dataset.value = v;
    // The element may not have upgraded (or seen its new options) yet: set it once it has.
    select.value = v;
    requestAnimationFrame(() => {
      if (select.value !== current) select.value = current;
    });
  };
  render(options);
  show(value);
  select.addEventListener('change', () => {
    const v = select.value as T;
    if (!values.includes(v) || v === current) return;
    current = v;
    select.dataset.value = v;
    onChange(v);
  });
  return {
    el: wrap,
    get value() {
      return current;
    },
    setOptions(opts, v) {
      render(opts);
      const keep = v ?? current;
      show(values.includes(keep) ? keep : values[0]);
    },
    setValue(v) {
      if (values.includes(v)) show(v);
    },
  };
}
