import * as vscode from 'vscode';
import type { ActiveModels } from '../active-model';
import type { TrainingController } from '../training-controller';
import type { FromPanel, ToPanel } from '../../protocol/panel';
import { describeEventLoopDelay, EventLoopDelayMeter } from '../event-loop-delay';
import { InsidesSource } from './insides-source';
import { panelHtml } from './panel-html';
import type { RunHistoryStore } from './run-history';

/**
 * "Char LSTM: Show Panel": one webview beside the editor, revealed if already open, with two tabs
 * (Training, Insides) drawn by dist/webview.js. It speaks only src/protocol/panel.ts. The page
 * (panel-html.ts) is locked down by a Content Security Policy. The toolkit (FAST) styles its
 * elements with constructable stylesheets, which CSP allows; its one <style> element (a feature
 * test for :focus-visible) carries the nonce it reads from `<meta property="csp-nonce">`. uPlot
 * and the views set styles through the CSSOM (element.style), which CSP allows too. Context is
 * not retained when hidden: the webview keeps its choices with setState and asks again (`ready`)
 * when shown, and the extension answers with the whole run history.
 * When the panel closes, the log gets a line on how smooth the editor stayed while it was open
 * (event-loop delay) and on the insides computed (answered, given up, the longest slice).
 */
export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private insides: InsidesSource | undefined;
  private delay: EventLoopDelayMeter | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly history: RunHistoryStore,
    private readonly training: TrainingController, private readonly models: ActiveModels,
    private readonly log: vscode.LogOutputChannel) {
    const stop = history.subscribe((m) => this.post(m));
    this.subscriptions.push({ dispose: stop }, training.onDidChangeState(() => this.postCompareState()));
  }

  show(): void {
    if (this.panel) {
      // As when it is made: beside the editor, which keeps the focus (else the next file opened
      // goes into the panel's group and hides it again).
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
    const panel = vscode.window.createWebviewPanel('charLstm.panel', 'Char LSTM', {
      viewColumn: vscode.ViewColumn.Beside, preserveFocus: true,
    }, { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false });
    this.panel = panel;
    this.ready = false;
    this.insides = new InsidesSource(this.models, () => this.post({ type: 'cursorMoved' }));
    this.delay = EventLoopDelayMeter.start();
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((m: FromPanel) => this.receive(m));
    // Hidden, the page is destroyed; shown again, it loads and says `ready` once more.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) {
        this.ready = false;
        this.insides?.cancel();
      }
    });
    panel.onDidDispose(() => {
      if (this.delay && this.insides) {
        this.log.info(`${describeEventLoopDelay(this.delay.stop(), 'while the panel was open')}; ${this.insides.stats.describe()}`);
      }
      this.delay = undefined;
      this.insides?.dispose();
      this.insides = undefined;
      this.panel = undefined;
      this.ready = false;
    });
  }

  private receive(m: FromPanel): void {
    switch (m?.type) {
      case 'ready':
        this.ready = true;
        this.insides?.cancel(); // asked by a page now gone
        this.post({ type: 'history', runs: this.history.snapshot() });
        this.postCompareState();
        this.post({ type: 'cursorMoved' });
        break;
      case 'inspect': {
        const insides = this.insides;
        if (!insides) return;
        // Computed in slices; null when given up (the page has asked again, or will).
        void insides.answer(m.layer).then((answer) => {
          if (!answer || this.insides !== insides) return;
          this.post(answer.ok
            ? { type: 'insides', requestId: m.requestId, insides: answer.insides }
            : { type: 'insidesUnavailable', requestId: m.requestId, why: answer.why });
        });
        break;
      }
      case 'compareRnn':
        void this.training.compareRnn();
        break;
      case 'cancelTraining':
        this.training.cancel();
        break;
    }
  }

  private postCompareState(): void {
    this.post({ type: 'compareState', ...this.training.compareState() });
  }

  private post(m: ToPanel): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private html(webview: vscode.Webview): string {
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return panelHtml({ cspSource: webview.cspSource, asset });
  }

  dispose(): void {
    // No report when the extension stops: the log may be gone already.
    this.delay?.stop();
    this.delay = undefined;
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
