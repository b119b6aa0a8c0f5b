import { Flags } from '@oclif/core';
import { BaseCommand, apiFlags } from '../../base-command.js';
import { QueryClient, type ApiKeyCreated } from '../../lib/query-client.js';

export default class KeysCreate extends BaseCommand {
  static override summary = 'Create an API key (admin only); its secret is shown once.';

  static override description = `Roles: admin (keys and everything else), reader (search, tail, stats), ingester (sending to a gateway that requires keys; reads nothing). --resource scopes a key to resourceId patterns ("server-1*" is a prefix, anything else exact): every query of the key is silently limited to them. The secret is printed once, on stdout; store it right away (for example with \`logs login --api-key -\`).`;

  static override examples = [
    { description: 'A reader key for a dashboard', command: '<%= config.bin %> <%= command.id %> --role reader --name grafana' },
    { description: 'A key that only ever sees the server-1 resources, as JSON for a script', command: "<%= config.bin %> <%= command.id %> --role reader --resource 'server-1*' --name team-a --json" },
  ];

  static override flags = {
    role: Flags.string({ description: 'what the key may do', options: ['reader', 'admin', 'ingester'], default: 'reader' }),
    name: Flags.string({ description: 'a label to recognise the key by in `logs keys list`', required: true }),
    resource: Flags.string({ description: 'resourceId pattern the key is limited to; repeat for several; `name*` is a prefix', multiple: true }),
    ...apiFlags,
  };

  async run(): Promise<ApiKeyCreated> {
    const { flags } = await this.parse(KeysCreate);
    const client = new QueryClient(this.apiTarget(await this.connection(flags)));
    const created = await client.createKey({
      name: flags.name,
      role: flags.role,
      ...(flags.resource === undefined ? {} : { resourcePatterns: flags.resource }),
    });
    this.log(created.key);
    const scope = created.resourcePatterns.length > 0 ? `, limited to ${created.resourcePatterns.join(', ')}` : '';
    this.note(`created key ${created.id} (${created.role}${scope}); the secret above is not shown again`);
    return created;
  }
}
