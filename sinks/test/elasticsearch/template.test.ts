import { LogEvent } from '@logpipe/schemas';
import t from 'tap';
import { resolveElasticsearchSinkConfig } from '../../src/elasticsearch/options.js';
import { KEYWORD_SAFE_CHARS, dailyIndexName, indexTemplateBody } from '../../src/elasticsearch/template.js';

t.test('the daily index is the UTC day of the timestamp', async (t) => {
  t.equal(dailyIndexName('logs', '2026-11-29T23:59:59.999Z'), 'logs-2026.11.29');
  t.equal(dailyIndexName('logs', '2026-01-01T00:00:00.000z'), 'logs-2026.01.01');
  // Not normalised to UTC: parsed, so the offset moves the day.
  t.equal(dailyIndexName('logs', '2026-11-29T23:30:00.000-02:00'), 'logs-2026.11.30');
  t.equal(dailyIndexName('logs', '2026-11-30T01:00:00+02:00'), 'logs-2026.11.29');
  t.equal(dailyIndexName('logs', 'yesterday'), undefined);
  t.equal(dailyIndexName('logs', ''), undefined);
});

t.test('the template maps every field of the event, and metadata keys dynamically', async (t) => {
  const body = indexTemplateBody(resolveElasticsearchSinkConfig({ indexPrefix: 'logs' }));
  const properties = body.template?.mappings?.properties ?? {};
  for (const field of Object.keys(LogEvent.properties)) t.ok(properties[field], `${field} is mapped`);
  t.equal(body.template?.mappings?.dynamic, 'strict');
  t.same(body.index_patterns, ['logs-*']);
  t.same(Object.keys(body.template?.aliases ?? {}), ['logs']);
  t.equal(body.name, 'logpipe-logs');
});

t.test('a longer prefix gets a higher priority, so overlapping patterns never share one', async (t) => {
  const short = indexTemplateBody(resolveElasticsearchSinkConfig({ indexPrefix: 'logs' }));
  const long = indexTemplateBody(resolveElasticsearchSinkConfig({ indexPrefix: 'logs-test' }));
  t.ok((long.priority ?? 0) > (short.priority ?? 0));
  t.equal(indexTemplateBody(resolveElasticsearchSinkConfig({ templatePriority: 7 })).priority, 7);
});

t.test('a keyword value up to KEYWORD_SAFE_CHARS is at most 32,766 UTF-8 bytes', async (t) => {
  // The worst case per UTF-16 code unit is a 3-byte BMP character; surrogate pairs are 4 bytes for 2 units.
  t.ok(Buffer.byteLength('\uffff'.repeat(KEYWORD_SAFE_CHARS)) <= 32_766);
  t.ok(Buffer.byteLength('😀'.repeat(KEYWORD_SAFE_CHARS / 2)) <= 32_766);
});
