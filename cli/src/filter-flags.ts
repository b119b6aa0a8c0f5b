// The filters search and tail share: the query argument and one flag per field of the API (repeated
// values of a flag are OR-ed, different flags AND-ed with the query, as the API does).
import { Args, Flags } from '@oclif/core';
import { LEVELS } from '@logpipe/schemas';
import { OUTPUT_FORMATS } from './lib/format.js';
import type { QueryFilters } from './lib/query-client.js';

const FILTERS = 'FILTER';

export const queryArg = {
  query: Args.string({
    description: "query in the logpipe language, quoted as one argument, e.g. 'level:error timeout' (omit to match everything)",
    required: false,
    // oclif would otherwise read a missing argument from piped stdin; a query is only ever typed.
    ignoreStdin: true,
  }),
};

export const filterFlags = {
  level: Flags.string({
    char: 'l',
    description: 'level; repeat or comma-separate for several (OR)',
    options: [...LEVELS],
    multiple: true,
    delimiter: ',',
    helpGroup: FILTERS,
  }),
  'resource-id': Flags.string({ char: 'r', description: 'resourceId, exact; `name*` for a prefix; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  'trace-id': Flags.string({ description: 'traceId; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  'span-id': Flags.string({ description: 'spanId; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  commit: Flags.string({ description: 'commit; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  'parent-resource-id': Flags.string({ description: 'metadata.parentResourceId; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  message: Flags.string({ char: 'm', description: 'words that must occur in this order in the message; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
  regex: Flags.string({ description: 'regular expression matched anywhere in the message; repeat for several (OR)', multiple: true, helpGroup: FILTERS }),
};

export const outputFlag = {
  output: Flags.string({
    char: 'o',
    description: 'output format [default: table on a terminal, ndjson when piped]',
    options: [...OUTPUT_FORMATS],
  }),
};

export interface FilterFlagValues {
  level?: string[] | undefined;
  'resource-id'?: string[] | undefined;
  'trace-id'?: string[] | undefined;
  'span-id'?: string[] | undefined;
  commit?: string[] | undefined;
  'parent-resource-id'?: string[] | undefined;
  message?: string[] | undefined;
  regex?: string[] | undefined;
}

export function filtersFrom(query: string | undefined, flags: FilterFlagValues): QueryFilters {
  return {
    q: query,
    level: flags.level,
    resourceId: flags['resource-id'],
    traceId: flags['trace-id'],
    spanId: flags['span-id'],
    commit: flags.commit,
    parentResourceId: flags['parent-resource-id'],
    message: flags.message,
    regex: flags.regex,
  };
}

/** The texts a positioned API error may point into, by API parameter name (single values only). */
export function queryTextsOf(filters: QueryFilters): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [param, value] of Object.entries(filters)) {
    if (typeof value === 'string') texts[param] = value;
    else if (Array.isArray(value) && value.length === 1) texts[param] = value[0] as string;
  }
  return texts;
}

/** The query language in a few lines, shown in the help of search and tail. */
export const LANGUAGE_HELP = `QUERY LANGUAGE (terms are AND-ed unless joined by OR)
  timeout               the word in the message (whole words, any case)
  "connection reset"    a phrase: these words in this order
  level:error           a field has this value (fields are listed below)
  resourceId:web-*      a prefix of the field's value
  message:/time.?out/   regex: anywhere in message, the whole value elsewhere
  timestamp>=2024-05-01T00:00:00Z    also >, <, <=
  a OR b   NOT a   -a   (a OR b) c
  Fields: level resourceId traceId spanId commit parentResourceId message`;
