// The three `logs stack` commands differ only in the script command they run and in what failure means.
import { BaseCommand } from './base-command.js';
import { CliError } from './lib/errors.js';
import { findStackScript, parseStatus, runStack, type StackCommandName, type StackPart } from './lib/stack.js';

export interface StackResult {
  command: StackCommandName;
  exitCode: number;
  /** The script's output lines (with --json; otherwise it went straight to the terminal). */
  output: string[];
  /** `status` only: each part's state. */
  parts?: StackPart[];
}

export abstract class StackCommand extends BaseCommand {
  protected async runStack(command: StackCommandName, failure: string): Promise<StackResult> {
    const script = findStackScript(process.cwd(), this.config.root);
    const json = this.jsonEnabled();
    const run = await runStack(script, command, json);
    const result: StackResult = { command, exitCode: run.exitCode, output: run.output, ...(command === 'status' && json ? { parts: parseStatus(run.output) } : {}) };
    if (run.exitCode !== 0) throw new CliError('CLI_STACK_FAILED', failure, { details: { ...result } });
    return result;
  }
}
