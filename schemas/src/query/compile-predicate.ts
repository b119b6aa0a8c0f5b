// QueryNode → a JS predicate over LogEvent, for the live tail: the same answers as the two stores, computed
// from the event itself. Regexes run on our own NFA matcher (linear time), never on Node's RegExp.
import type { LogEvent } from '../event.js';
import type { QueryField, QueryNode, TimeOp } from './ast.js';
import { compileRegexMatcher } from './regex-nfa.js';
import { messageWords } from './words.js';

/** What a predicate derives from one event, computed on first use only. */
interface EventView {
  event: LogEvent;
  words?: Set<string>;
  /** ` w1 w2 … ` — a phrase is ` a b ` inside it, a prefix ` p`. */
  padded?: string;
  ms?: number;
}

type Test = (view: EventView) => boolean;

function wordsOf(view: EventView): Set<string> {
  if (view.words === undefined) {
    const words = messageWords(view.event.message);
    view.words = new Set(words);
    view.padded = ` ${words.join(' ')} `;
  }
  return view.words;
}

function paddedOf(view: EventView): string {
  wordsOf(view);
  return view.padded!;
}

function fieldValue(event: LogEvent, field: QueryField): string | undefined {
  switch (field) {
    case 'parentResourceId': {
      const value = event.metadata?.parentResourceId;
      return typeof value === 'string' ? value : undefined;
    }
    default:
      return event[field];
  }
}

const COMPARE: Readonly<Record<TimeOp, (a: number, b: number) => boolean>> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
};

function compile(node: QueryNode): Test {
  switch (node.kind) {
    case 'and': {
      const tests = node.children.map(compile);
      return (v) => tests.every((t) => t(v));
    }
    case 'or': {
      const tests = node.children.map(compile);
      return (v) => tests.some((t) => t(v));
    }
    case 'not': {
      const test = compile(node.child);
      return (v) => !test(v);
    }
    case 'all':
      return () => true;
    case 'words': {
      const words = node.words;
      return (v) => {
        const set = wordsOf(v);
        return words.every((w) => set.has(w));
      };
    }
    case 'phrase': {
      const needle = ` ${node.words.join(' ')} `;
      return (v) => paddedOf(v).includes(needle);
    }
    case 'wordPrefix': {
      const needle = ` ${node.prefix}`;
      return (v) => paddedOf(v).includes(needle);
    }
    case 'term': {
      const { field, value } = node;
      return (v) => fieldValue(v.event, field) === value;
    }
    case 'prefix': {
      const { field, value } = node;
      return (v) => fieldValue(v.event, field)?.startsWith(value) === true;
    }
    case 'regex': {
      const { field } = node;
      const matches = compileRegexMatcher(node.pattern, field !== 'message');
      return (v) => {
        const value = fieldValue(v.event, field);
        return value !== undefined && matches(value);
      };
    }
    case 'time': {
      const { ms } = node;
      const compare = COMPARE[node.op];
      return (v) => {
        v.ms ??= Date.parse(v.event.timestamp);
        return compare(v.ms, ms);
      };
    }
  }
}

/** A predicate selecting the same events as compileElasticsearch and compileSql of the same AST. */
export function compilePredicate(ast: QueryNode): (event: LogEvent) => boolean {
  const test = compile(ast);
  return (event) => test({ event });
}
