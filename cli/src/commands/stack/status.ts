import { StackCommand, type StackResult } from '../../stack-command.js';

export default class StackStatus extends StackCommand {
  static override summary = "Each part's state: up, starting or down, with pid, version and address.";

  static override description = 'Runs `node stack/stack.mjs status` of the checkout around the current folder (what `npm run status` runs). Exit code 1 when any part is not up.';

  static override examples = [
    { description: 'As a table', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As JSON, one entry per part', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  async run(): Promise<StackResult> {
    await this.parse(StackStatus);
    return this.runStack('status', 'some parts of the stack are not up (see above); start them with `logs stack up`');
  }
}
