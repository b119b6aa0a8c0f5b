import { BaseCommand, apiFlags } from '../../base-command.js';
import { renderTable } from '../../lib/format.js';
import { QueryClient, type ApiKeyInfo } from '../../lib/query-client.js';

export interface KeysListResult {
  keys: ApiKeyInfo[];
}

export default class KeysList extends BaseCommand {
  static override summary = 'List API keys (admin only): id, name, role, resource scope, first characters, dates.';

  static override examples = [
    { description: 'As a table', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As JSON', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override flags = { ...apiFlags };

  async run(): Promise<KeysListResult> {
    const { flags } = await this.parse(KeysList);
    const client = new QueryClient(this.apiTarget(await this.connection(flags)));
    const keys = await client.listKeys();
    const rows = keys.map((k) => [k.id, k.name, k.role, k.resourcePatterns.length > 0 ? k.resourcePatterns.join(',') : '(all)', `${k.prefix}…`, k.createdAt, k.revokedAt ?? '']);
    this.log(renderTable(['ID', 'NAME', 'ROLE', 'RESOURCES', 'KEY', 'CREATED', 'REVOKED'], rows, this.terminal().colour));
    return { keys };
  }
}
