import { Args } from '@oclif/core';
import { BaseCommand, apiFlags } from '../../base-command.js';
import { QueryClient, type ApiKeyInfo } from '../../lib/query-client.js';

export default class KeysRevoke extends BaseCommand {
  static override summary = 'Revoke an API key (admin only); it stops working at once.';

  static override examples = [
    { description: 'Revoke a key by the id `logs keys list` shows (not by its secret)', command: '<%= config.bin %> <%= command.id %> 0193a1f2-7c4e-7d1a-9b2c-3e4f5a6b7c8d' },
  ];

  static override args = {
    id: Args.string({ description: 'id of the key (not its secret)', required: true, ignoreStdin: true }),
  };

  static override flags = { ...apiFlags };

  /** The key as it is now, with its revokedAt set. */
  async run(): Promise<ApiKeyInfo> {
    const { args, flags } = await this.parse(KeysRevoke);
    const client = new QueryClient(this.apiTarget(await this.connection(flags)));
    const key = await client.revokeKey(args.id);
    this.log(`revoked key ${key.id} (${key.name}, ${key.role})`);
    return key;
  }
}
