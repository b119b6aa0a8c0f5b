// The index template behind the daily indices, and which daily index an event goes to. Pure.
// What each field supports for queries (whole word, phrase, prefix, regexp) is said on the field below.
import type { estypes } from '@elastic/elasticsearch';
import { ID_ORDER_FIELDS } from '@logpipe/schemas';
import type { ElasticsearchSinkConfig } from './options.js';

/**
 * Bump when the template body changes; stored in the template's `version` and `_meta`.
 * 2: the `words` field (the query language's words of the message), excluded from _source.
 * 3: `message` no longer analysed (the query language searches `words`), `receivedAt` kept in _source only.
 * 4: the id as three numbers (`idOrder0..2`), the sort's tie-breaker, excluded from _source.
 */
export const TEMPLATE_VERSION = 4;

/**
 * Longest keyword value, in UTF-16 code units (what `ignore_above` counts), that is surely indexable:
 * Lucene refuses a term over 32,766 UTF-8 bytes and fails the whole document, and one code unit is at
 * most 3 UTF-8 bytes. Longer values stay in _source but are not in that keyword field.
 */
export const KEYWORD_SAFE_CHARS = Math.floor(32_766 / 3);

/** Distinct fields an index may map. Metadata keys are dynamic; see `ignore_dynamic_beyond_limit`. */
export const TOTAL_FIELDS_LIMIT = 2_000;

const keyword: estypes.MappingProperty = { type: 'keyword' };

/**
 * The words of the message as the query language defines them (messageWordsText of @logpipe/schemas: lower-cased
 * tokens joined by one space), written by the sink next to the event. The `whitespace` analyzer splits the
 * stored text back into exactly those tokens, so `term` (a word), `match_phrase` (words in a row) and `prefix`
 * on `words` mean what the other stores and the live tail mean; the standard analyzer would keep
 * `error:timeout` or `foo_bar` whole. Excluded from _source (see the mapping), so hits stay the event.
 * An index made with template 1 lacks it; adding this property to such an index makes it accept events
 * again (`PUT <index>/_mapping`), though its _source then keeps `words`.
 */
const WORDS_MAPPING: estypes.MappingProperty = { type: 'text', analyzer: 'whitespace', norms: false };
const date: estypes.MappingProperty = { type: 'date', format: 'strict_date_optional_time' };

/**
 * Fields added to the mapping after template 1, which an older daily index lacks: with `dynamic: strict` it
 * would refuse every event until midnight. The sink adds them to its indices at start (adding a field is
 * allowed, and a no-op where it is there). Events such an index stored before have no `idOrder*` values: they
 * sort after the others of their millisecond, in the order they were written (README.md here: Mapping).
 */
export const ADDED_PROPERTIES: Record<string, estypes.MappingProperty> = {
  words: WORDS_MAPPING,
  // Sorted on, never searched: doc values only. schemas/src/id-order.ts says why they exist.
  ...Object.fromEntries(ID_ORDER_FIELDS.map((f) => [f, { type: 'long', index: false } satisfies estypes.MappingProperty])),
};

export function indexTemplateBody(config: ElasticsearchSinkConfig): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: config.templateName,
    index_patterns: [`${config.indexPrefix}-*`],
    // Composable templates with overlapping patterns may not share a priority, and only the highest applies.
    // 200 + prefix length ranks a longer (more specific) prefix first — `logs-a` over `logs` — so two prefixes
    // never collide, and stays above the priority-100 `logs-*-*` template that x-pack clusters ship.
    priority: config.templatePriority,
    version: TEMPLATE_VERSION,
    _meta: { managedBy: 'logpipe sink-elasticsearch', version: TEMPLATE_VERSION },
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0, // single node; a replica could never be assigned and health would stay yellow
        refresh_interval: '1s', // events visible in search within ~1 s (issue 4: p99 < 2 s end to end)
        'mapping.total_fields.limit': TOTAL_FIELDS_LIMIT,
        // A day that reaches the limit keeps storing events: new metadata keys stay in _source, unindexed,
        // instead of failing every later event that brings one (PostgreSQL still has them all).
        'mapping.total_fields.ignore_dynamic_beyond_limit': true,
      },
      aliases: { [config.alias]: {} },
      mappings: {
        dynamic: 'strict', // an unknown top-level field is a bug upstream: refuse it (→ DLQ), never map it
        _source: { excludes: ['words', ...ID_ORDER_FIELDS] }, // derived from message and id; a hit's _source is exactly the event
        date_detection: false, // a metadata string that looks like a date stays a keyword
        numeric_detection: false,
        dynamic_templates: [
          { metadata_strings: { path_match: 'metadata.*', match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: KEYWORD_SAFE_CHARS } } },
          // Default for JSON fractions is `float`, which rounds large values in filters; _source keeps the exact value.
          { metadata_fractions: { path_match: 'metadata.*', match_mapping_type: 'double', mapping: { type: 'double' } } },
        ],
        properties: {
          id: keyword, // the id searched for; sorted by its numeric form (ADDED_PROPERTIES)
          timestamp: date,
          // Shown in hits, never searched, sorted or aggregated: _source only, nothing to index.
          receivedAt: { type: 'date', format: 'strict_date_optional_time', index: false, doc_values: false },
          level: keyword,
          // Not indexed: the query language searches `words` (and regexps `message.raw`), and analysing the
          // message a third time cost indexing throughput for nothing (README: benchmarks).
          message: {
            type: 'text',
            index: false,
            norms: false,
            fields: {
              // Whole message as one term, for regexp over the whole value (`wildcard` is x-pack, absent here).
              // Not for sorting or aggregations, so no doc_values.
              raw: { type: 'keyword', ignore_above: KEYWORD_SAFE_CHARS, doc_values: false },
            },
          },
          ...ADDED_PROPERTIES,
          resourceId: keyword,
          traceId: keyword,
          spanId: keyword,
          commit: keyword,
          // Filled by copy_to from metadata.parentResourceId, so _source stays exactly the event.
          parentResourceId: keyword,
          metadata: {
            type: 'object',
            // Later values of another type than the first one are mapping errors (→ DLQ), per issue 4.
            dynamic: true,
            // Keys are flat: `a.b` and `a` may both exist, as they can in the event.
            subobjects: false,
            properties: {
              parentResourceId: { type: 'keyword', copy_to: 'parentResourceId' },
            },
          },
        },
      },
    },
  };
}

const UTC_DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt][^]*[Zz]$/;

/**
 * `<prefix>-YYYY.MM.DD` of the event's UTC day, or undefined when the timestamp is not a date. Events arrive
 * normalised to UTC (`…Z`), so the day is read from the string; anything else is parsed.
 */
export function dailyIndexName(prefix: string, timestamp: string): string | undefined {
  const m = UTC_DAY.exec(timestamp);
  if (m) return `${prefix}-${m[1]}.${m[2]}.${m[3]}`;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return undefined;
  const day = new Date(ms);
  const year = day.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${String(year).padStart(4, '0')}.${two(day.getUTCMonth() + 1)}.${two(day.getUTCDate())}`;
}
