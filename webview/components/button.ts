import { useToolkit } from './toolkit';

export interface Button {
  readonly el: HTMLElement;
  /** Disabled with the reason as its tooltip (and `data-reason`), or enabled. */
  setEnabled(enabled: boolean, reason?: string): void;
}

/** A button; `secondary` for the less important of a pair. */
export function createButton(label: string, onClick: () => void, options: { secondary?: boolean; id?: string } = {}): Button {
  useToolkit();
  const el = document.createElement('vscode-button');
  el.textContent = label;
  if (options.id) el.id = options.id;
  if (options.secondary) el.setAttribute('appearance', 'secondary');
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) onClick();
  });
  return {
    el,
    setEnabled(enabled, reason) {
      el.toggleAttribute('disabled', !enabled);
      if (enabled || !reason) {
        el.removeAttribute('title');
        el.removeAttribute('data-reason');
      } else {
        el.title = reason;
        el.dataset.reason = reason;
      }
    },
  };
}
