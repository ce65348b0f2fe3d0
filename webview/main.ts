/**
 * The Char LSTM panel's page: two tabs (Training, Insides) fed by the extension over the panel
 * protocol (src/protocol/panel.ts). It says `ready` first and gets the whole run history, then
 * live run messages; it asks for insides (`inspect`) when the cursor moves, only while the
 * Insides tab shows, and drops answers to requests it has since replaced. The user's choices
 * (tab, layer, unit, class, order, signal) survive hide and show through the webview state.
 *
 * DOM attributes: `#app` has `data-tab` ('training' | 'insides'); the tabs' own attributes are
 * in training-view.ts and insides-view.ts.
 */
import 'uplot/dist/uPlot.min.css';
import { applyRunMessage, SIGNALS, type RunHistory, type ToPanel } from '../src/protocol/panel';
import { createTabs } from './components/tabs';
import { InsidesView } from './insides-view';
import { CHAR_CLASSES } from './logic/char-classes';
import { onThemeChange, readTheme } from './theme';
import { TrainingView } from './training-view';
import { loadState, onMessage, post, saveState, type PanelState } from './vscode-api';

const DEFAULTS: PanelState = { tab: 'training', layer: 0, unit: null, cls: 'quote', sort: 'index', signal: 'cell' };

/** The saved state, each field checked: a state from an older panel must not break this one. */
function restoredState(): PanelState {
  const s = loadState(DEFAULTS);
  return {
    tab: s.tab === 'insides' ? 'insides' : 'training',
    layer: Number.isInteger(s.layer) && s.layer >= 0 ? s.layer : 0,
    unit: Number.isInteger(s.unit) && (s.unit as number) >= 0 ? s.unit : null,
    cls: CHAR_CLASSES.includes(s.cls) ? s.cls : DEFAULTS.cls,
    sort: (['index', 'mean', 'variance'] as const).includes(s.sort) ? s.sort : DEFAULTS.sort,
    signal: SIGNALS.includes(s.signal) ? s.signal : DEFAULTS.signal,
  };
}

const state = restoredState();
const save = () => saveState(state);
const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));

/**
 * The runs, once the extension's `history` has arrived (null before). Live run messages that come
 * first are dropped: after a reload the extension may still be posting to the page it had
 * before it hears `ready`, and the history it then sends already holds what they said.
 */
let runs: RunHistory[] | null = null;
let requestId = 0;
/** The cursor moved while the Insides tab was hidden: ask when it shows. */
let stale = true;

const training = new TrainingView({
  onCompare: () => post({ type: 'compareRnn' }),
  onCancel: () => post({ type: 'cancelTraining' }),
});
const insides = new InsidesView(state, {
  onLayer: () => ask(),
  onState: save,
});

function ask(): void {
  if (state.tab !== 'insides') {
    stale = true;
    return;
  }
  stale = false;
  requestId++;
  insides.el.dataset.pending = 'true';
  insides.waiting();
  post({ type: 'inspect', requestId, layer: state.layer });
}

const tabs = createTabs([
  { id: 'training', label: 'Training', content: training.el },
  { id: 'insides', label: 'Insides', content: insides.el },
], state.tab, (tab) => {
  state.tab = tab;
  app.dataset.tab = tab;
  save();
  if (tab === 'insides') {
    if (stale) ask();
    else insides.render();
  }
});
app.dataset.tab = state.tab;
app.dataset.state = 'ready';
app.replaceChildren(tabs.el);

const applyTheme = () => {
  const theme = readTheme();
  training.setTheme(theme);
  insides.setTheme(theme);
};
applyTheme();
onThemeChange(applyTheme);

onMessage((m: ToPanel) => {
  switch (m.type) {
    case 'history':
      runs = m.runs;
      training.setRuns(runs);
      break;
    case 'runStarted':
    case 'runCorpus':
    case 'trainEvent':
    case 'runEnded':
    case 'runFailed':
      if (runs) training.setRuns(applyRunMessage(runs, m));
      break;
    case 'compareState':
      training.setCompareState(m);
      break;
    case 'cursorMoved':
      ask();
      break;
    case 'insides':
      if (m.requestId !== requestId) break;
      delete insides.el.dataset.pending;
      insides.show(m.insides);
      break;
    case 'insidesUnavailable':
      if (m.requestId !== requestId) break;
      delete insides.el.dataset.pending;
      insides.unavailable(m.why);
      break;
  }
});

post({ type: 'ready' });
