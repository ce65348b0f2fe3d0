import { useToolkit } from './toolkit';

export interface Tab<T extends string> {
  id: T;
  label: string;
  content: HTMLElement;
}

export interface Tabs<T extends string> {
  readonly el: HTMLElement;
  readonly active: T;
}

/** Tabs over their panels; `onChange` runs when the user picks another tab. */
export function createTabs<T extends string>(tabs: Tab<T>[], active: T, onChange: (id: T) => void): Tabs<T> {
  useToolkit();
  const panels = document.createElement('vscode-panels');
  panels.setAttribute('activeid', `tab-${active}`);
  panels.dataset.active = active;
  let current = active;
  for (const tab of tabs) {
    const head = document.createElement('vscode-panel-tab');
    head.id = `tab-${tab.id}`;
    head.textContent = tab.label;
    panels.append(head);
  }
  for (const tab of tabs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${tab.id}`;
    view.append(tab.content);
    panels.append(view);
  }
  panels.addEventListener('change', (e) => {
    // Changes of controls inside the panels bubble up here too; the tabs' own carries the active tab.
    if (e.target !== panels) return;
    const tab = (e as CustomEvent<unknown>).detail;
    const id = (tab instanceof HTMLElement ? tab.id : '').replace(/^tab-/, '') as T;
    if (id === current || !tabs.some((t) => t.id === id)) return;
    current = id;
    panels.dataset.active = id;
    onChange(id);
  });
  return {
    el: panels,
    get active() {
      return current;
    },
  };
}
