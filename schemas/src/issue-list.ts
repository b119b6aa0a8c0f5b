import { pointerSegments } from './json-pointer.js';

/** One problem with an event. `path` is a JSON Pointer within the event (`''` = the whole event). */
export interface EventIssue {
  path: string;
  message: string;
}

/**
 * Bounds the issues of one event. A hostile event with thousands of bad keys must not turn a
 * small request into a huge error response, so past this many the list ends with a note.
 */
export const MAX_ISSUES_PER_EVENT = 100;

/**
 * Collects the issues of one event. The semantic rules (`add`) are written so that each reports
 * a distinct problem; schema errors (`addFallback`) only fill in fields no rule has spoken
 * about, because TypeBox often restates a rule's finding in vaguer words.
 */
export class IssueList {
  readonly #issues: EventIssue[] = [];
  readonly #paths = new Set<string>();
  readonly #fieldOrder: readonly string[];
  #overflow = false;

  constructor(fieldOrder: readonly string[]) {
    this.#fieldOrder = fieldOrder;
  }

  get size(): number {
    return this.#issues.length;
  }

  add(path: string, message: string): void {
    if (this.#issues.length >= MAX_ISSUES_PER_EVENT) {
      this.#overflow = true;
      return;
    }
    this.#issues.push({ path, message });
    this.#paths.add(path);
  }

  addFallback(path: string, message: string): void {
    if (!this.#paths.has(path)) this.add(path, message);
  }

  /** The issues in the order of the event's fields (whole-event first, unknown fields last). */
  toArray(): EventIssue[] {
    const rank = (path: string): number => {
      const first = pointerSegments(path)[0];
      if (first === undefined) return -1;
      const index = this.#fieldOrder.indexOf(first);
      return index === -1 ? this.#fieldOrder.length : index;
    };
    // Array#sort is stable, so issues of one field keep the order they were found in.
    const issues = [...this.#issues].sort((a, b) => rank(a.path) - rank(b.path));
    if (this.#overflow) {
      issues.push({ path: '', message: `the event has more problems; only the first ${MAX_ISSUES_PER_EVENT} are listed` });
    }
    return issues;
  }
}
