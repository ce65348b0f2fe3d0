import { parseStrategy, type Strategy } from '../core/sampling';
import { usageError } from './fail';

/** `sample`'s strategy flags; undefined: not on the command line. */
export interface StrategyFlags {
  strategy?: string;
  temperature?: number;
  k?: number;
  p?: number;
}

type Knob = 'temperature' | 'k' | 'p';

/** The flags each strategy reads. */
const READS: Record<Strategy['kind'], Knob[]> = {
  greedy: [],
  temperature: ['temperature'],
  topk: ['k', 'temperature'],
  topp: ['p', 'temperature'],
};

/** The strategy a flag calls for, when it is given alone. */
const SELECTED_BY: Record<Knob, Strategy['kind']> = { temperature: 'temperature', k: 'topk', p: 'topp' };

/**
 * The strategy `sample` uses. Without --strategy, --k selects top-k and --p top-p (both: an
 * error), else temperature sampling. A flag the strategy does not read (--temperature with
 * greedy, --k with top-p, …) is a usage error, not silently ignored: a sample costs seconds to
 * rerun, while a warning scrolled past would leave a sample made another way than asked.
 */
export function resolveStrategy(flags: StrategyFlags): Strategy {
  const given = (['temperature', 'k', 'p'] as Knob[]).filter((knob) => flags[knob] !== undefined);
  const shown = (knobs: Knob[]) => knobs.map((knob) => `--${knob} ${flags[knob]}`).join(' and ');
  let kind: Strategy['kind'];
  if (flags.strategy === undefined) {
    if (flags.k !== undefined && flags.p !== undefined) {
      throw usageError(`${shown(['k', 'p'])} belong to different strategies (topk and topp): give one of them`);
    }
    kind = flags.k !== undefined ? 'topk' : flags.p !== undefined ? 'topp' : 'temperature';
  } else {
    kind = parse(flags.strategy, {}).kind;
    const unread = given.filter((knob) => !READS[kind].includes(knob));
    if (unread.length > 0) {
      const reads = READS[kind].length === 0 ? 'always picks the likeliest character'
        : `reads only ${READS[kind].map((knob) => `--${knob}`).join(' and ')}`;
      const instead = [...new Set(unread.map((knob) => SELECTED_BY[knob]))].join(' or ');
      throw usageError(`${shown(unread)} ${unread.length === 1 ? 'does' : 'do'} not apply to --strategy ${flags.strategy}, `
        + `which ${reads}: drop ${unread.length === 1 ? 'it' : 'them'}, or use --strategy ${instead}`);
    }
  }
  return parse(kind, flags);
}

function parse(name: string, flags: StrategyFlags): Strategy {
  try {
    return parseStrategy(name, { temperature: flags.temperature, k: flags.k, p: flags.p });
  } catch (e) {
    throw usageError((e as Error).message);
  }
}
