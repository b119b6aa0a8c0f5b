// Reading a secret: from a terminal without echoing it, or as the first line of piped stdin, so a key
// never has to appear in the shell history or the process list.
import { createInterface } from 'node:readline';

/** Asks on the terminal with echo off; resolves with what was typed (without the newline). */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // readline echoes through _writeToOutput; printing nothing there hides the typed characters.
    const internal = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    internal._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer.trim());
    });
    asked = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}

/** The first line of stdin (for `--api-key -`). */
export async function firstLineOfStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}
