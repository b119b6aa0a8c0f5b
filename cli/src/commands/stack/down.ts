import { StackCommand, type StackResult } from '../../stack-command.js';

export default class StackDown extends StackCommand {
  static override summary = 'Stop everything this checkout started; no process is left behind.';

  static override description = 'Runs `node stack/stack.mjs down` of the checkout around the current folder (what `npm run down` runs). Data stays in .stack/ (or STACK_DIR) for the next start.';

  static override examples = [
    { description: 'Stop the stack', command: '<%= config.bin %> <%= command.id %>' },
  ];

  async run(): Promise<StackResult> {
    await this.parse(StackDown);
    return this.runStack('down', 'the stack did not stop cleanly (see the output above); `logs stack status` shows what is left');
  }
}
