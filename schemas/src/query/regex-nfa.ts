// A Thompson NFA for RegexNode and its simulation: the live tail's regex matcher. Node's own RegExp
// backtracks, so `(a+)+$` on a long line would stall the process; this one keeps the set of states reached
// so far and reads each code point once: time O(text length x states), memory O(states), whatever the
// pattern. The number of states is bounded when the regex is parsed (QUERY_LIMITS.maxRegexStates).
import type { RegexNode } from './ast.js';

const enum Kind {
  Test,
  Split,
  Match,
}

interface TestState {
  kind: Kind.Test;
  node: Extract<RegexNode, { type: 'char' | 'any' | 'class' }>;
  next: number;
}
interface SplitState {
  kind: Kind.Split;
  outs: number[];
}
interface MatchState {
  kind: Kind.Match;
}
type State = TestState | SplitState | MatchState;

class TooManyStates extends Error {}

class Builder {
  readonly states: State[] = [{ kind: Kind.Match }];
  constructor(readonly limit: number) {}

  add(state: State): number {
    if (this.states.length >= this.limit + 1) throw new TooManyStates();
    this.states.push(state);
    return this.states.length - 1;
  }

  /** The start state of `node` followed by state `next`. */
  build(node: RegexNode, next: number): number {
    switch (node.type) {
      case 'char':
      case 'any':
      case 'class':
        return this.add({ kind: Kind.Test, node, next });
      case 'seq': {
        let start = next;
        for (let i = node.items.length - 1; i >= 0; i--) start = this.build(node.items[i]!, start);
        return start;
      }
      case 'alt':
        return this.add({ kind: Kind.Split, outs: node.options.map((o) => this.build(o, next)) });
      case 'repeat': {
        let start: number;
        if (node.max === null) {
          // x* : a split that loops back through x, or leaves.
          const loop = this.add({ kind: Kind.Split, outs: [] });
          (this.states[loop] as SplitState).outs = [this.build(node.node, loop), next];
          start = loop;
        } else {
          // (x(x(x)?)?)? for the optional copies, innermost first.
          start = next;
          for (let i = node.min; i < node.max; i++) start = this.add({ kind: Kind.Split, outs: [this.build(node.node, start), next] });
        }
        for (let i = 0; i < node.min; i++) start = this.build(node.node, start);
        return start;
      }
      case 'start':
      case 'end':
        // Anchors are read off the top-level node by compileRegexMatcher; here they match the empty string.
        return next;
    }
  }
}

/** States of the NFA of `node`, or `limit + 1` as soon as it is known to have more. */
export function countRegexStates(node: RegexNode, limit: number): number {
  const builder = new Builder(limit);
  try {
    builder.build(node, 0);
  } catch (err) {
    if (err instanceof TooManyStates) return limit + 1;
    throw err;
  }
  return builder.states.length;
}

function testCodePoint(node: TestState['node'], cp: number): boolean {
  if (node.type === 'char') return node.cp === cp;
  if (node.type === 'any') return true;
  const ranges = node.ranges;
  let lo = 0;
  let hi = ranges.length - 1;
  let inside = false;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (cp < r[0]) hi = mid - 1;
    else if (cp > r[1]) lo = mid + 1;
    else {
      inside = true;
      break;
    }
  }
  return inside !== node.negated;
}

/** The anchors of a top-level node, and the node without them. */
export function splitAnchors(node: RegexNode): { body: RegexNode; start: boolean; end: boolean } {
  if (node.type !== 'seq') return { body: node, start: false, end: false };
  let items = node.items;
  const start = items[0]?.type === 'start';
  const end = items[items.length - 1]?.type === 'end';
  items = items.slice(start ? 1 : 0, end ? items.length - 1 : items.length);
  return { body: items.length === 1 ? items[0]! : { type: 'seq', items }, start, end };
}

export type RegexMatcher = (text: string) => boolean;

/** DFA states kept per matcher; past this the cache starts again (memory stays bounded, time linear). */
const MAX_DFA_STATES = 1024;

/** A set of NFA states (Test and Match only, sorted), with its transitions computed so far. */
interface DfaState {
  nfa: Int32Array;
  accepting: boolean;
  /** Next DFA state by ASCII code point; -1 not computed yet. */
  ascii: Int32Array;
  other: Map<number, number>;
}

/**
 * A matcher for `node`. `whole`: the whole text must match (keyword fields); otherwise a match anywhere
 * (message), unless the pattern starts with ^ or ends with $.
 *
 * The NFA is run as a lazily built DFA: each set of NFA states reached is interned once, with its
 * transitions filled in as code points are read, so a typical text costs one table lookup per character.
 * The DFA is never built ahead (it can be exponential in the pattern); the cache is bounded and cleared when
 * full, so each character still costs at most one NFA step: O(states) time, whatever the pattern.
 */
export function compileRegexMatcher(node: RegexNode, whole: boolean, limit = Number.MAX_SAFE_INTEGER): RegexMatcher {
  const anchors = splitAnchors(node);
  const anchoredStart = whole || anchors.start;
  const anchoredEnd = whole || anchors.end;
  const builder = new Builder(limit);
  const start = builder.build(anchors.body, 0);
  const states = builder.states;
  const n = states.length;

  const mark = new Int32Array(n).fill(-1);
  let tag = 0;
  // A state is pushed at most once per edge into it, so the edges bound the stack.
  let edges = 1;
  for (const state of states) edges += state.kind === Kind.Split ? state.outs.length : 1;
  const stack = new Int32Array(edges);
  const scratch = new Int32Array(n);

  /** Adds to scratch[0..len) the Test and Match states reachable from `from` without reading. */
  const addClosure = (len: number, from: number): number => {
    let sp = 0;
    stack[sp++] = from;
    while (sp > 0) {
      const s = stack[--sp]!;
      if (mark[s] === tag) continue;
      mark[s] = tag;
      const state = states[s]!;
      if (state.kind === Kind.Split) {
        for (let i = state.outs.length - 1; i >= 0; i--) if (mark[state.outs[i]!] !== tag) stack[sp++] = state.outs[i]!;
      } else scratch[len++] = s;
    }
    return len;
  };

  let dfa: DfaState[] = [];
  let index = new Map<string, number>();

  const intern = (len: number): number => {
    const set = scratch.slice(0, len).sort();
    const key = set.join(',');
    const known = index.get(key);
    if (known !== undefined) return known;
    let accepting = false;
    for (const s of set) if (states[s]!.kind === Kind.Match) accepting = true;
    dfa.push({ nfa: set, accepting, ascii: new Int32Array(128).fill(-1), other: new Map() });
    index.set(key, dfa.length - 1);
    return dfa.length - 1;
  };

  const initial = (): number => {
    tag++;
    return intern(addClosure(0, start));
  };

  /** The DFA state after reading `cp` in state `from` (one NFA step; unanchored: a match may start anew). */
  const step = (from: DfaState, cp: number): number => {
    tag++;
    let len = 0;
    for (const s of from.nfa) {
      const state = states[s]!;
      if (state.kind === Kind.Test && testCodePoint(state.node, cp)) len = addClosure(len, state.next);
    }
    if (!anchoredStart) len = addClosure(len, start);
    return intern(len);
  };

  let startState = initial();

  return (text: string): boolean => {
    let current = dfa[startState]!;
    for (let i = 0; i < text.length; ) {
      if (current.accepting && !anchoredEnd) return true;
      if (current.nfa.length === 0) return false; // dead: nothing can match any more (only when anchored at the start)
      const cp = text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      let next = cp < 128 ? current.ascii[cp]! : (current.other.get(cp) ?? -1);
      if (next < 0) {
        if (dfa.length >= MAX_DFA_STATES) {
          // Start the cache again from the current set alone.
          const keep = current;
          dfa = [];
          index = new Map();
          scratch.set(keep.nfa);
          current = dfa[intern(keep.nfa.length)]!;
          startState = initial();
        }
        next = step(current, cp);
        if (cp < 128) current.ascii[cp] = next;
        else current.other.set(cp, next);
      }
      current = dfa[next]!;
    }
    return current.accepting;
  };
}
