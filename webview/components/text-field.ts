import { useToolkit } from './toolkit';

export interface NumberField {
  readonly el: HTMLElement;
  /** Shows `value` (null: empty) without calling `onChange`. */
  setValue(value: number | null): void;
}

interface ValueElement extends HTMLElement {
  value: string;
}

/**
 * A labelled field for a whole number in [min, max]; `onChange` gets each valid entry (Enter
 * or leaving the field), null when it is emptied. Anything else is put back as it was.
 */
export function createNumberField(label: string, min: number, max: () => number, onChange: (value: number | null) => void,
  id?: string): NumberField {
  useToolkit();
  const wrap = document.createElement('label');
  wrap.className = 'field';
  const caption = document.createElement('span');
  caption.textContent = label;
  const field = document.createElement('vscode-text-field') as ValueElement;
  if (id) field.id = id;
  field.setAttribute('size', '5');
  wrap.append(caption, field);
  let shown: number | null = null;
  const commit = () => {
    const text = field.value.trim();
    if (text === '') {
      if (shown !== null) {
        shown = null;
        onChange(null);
      }
      return;
    }
    const v = Number(text);
    if (Number.isInteger(v) && v >= min && v <= max()) {
      if (v !== shown) {
        shown = v;
        onChange(v);
      }
    } else {
      field.value = shown === null ? '' : String(shown);
    }
  };
  field.addEventListener('change', commit);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit();
  });
  return {
    el: wrap,
    setValue(value) {
      shown = value;
      field.value = value === null ? '' : String(value);
    },
  };
}
