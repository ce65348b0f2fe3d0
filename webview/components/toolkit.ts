/**
 * The one place the panel meets `@vscode/webview-ui-toolkit` (deprecated upstream): its web
 * components are registered here, and only the small components of this folder create them.
 * Replacing the toolkit means rewriting this folder; the views never name a `vscode-*` element.
 */
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption, vsCodePanels, vsCodePanelTab,
  vsCodePanelView, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's elements the components use; safe to call more than once. */
export function useToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeTextField(),
  );
}
