import { StackCommand, type StackResult } from '../../stack-command.js';

export default class StackUp extends StackCommand {
  static override summary = 'Start the local stack in the background; returns once every part answers.';

  static override description = 'Runs `node stack/stack.mjs up` of the checkout around the current folder (what `npm run up` runs after building): Kafka, Elasticsearch, PostgreSQL, the gateway, the sinks and the query API. Parts already up are left alone, so it is safe to run any time.';

  static override examples = [
    { description: 'Start what is not running yet', command: '<%= config.bin %> <%= command.id %>' },
  ];

  async run(): Promise<StackResult> {
    await this.parse(StackUp);
    return this.runStack('up', 'the stack did not come up (see the output above); its logs are in .stack/logs/');
  }
}
