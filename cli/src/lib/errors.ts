// The CLI's error catalogue: every code a user or a script can see, with its exit code. Each code is
// documented in cli/README.md ("Exit codes and errors"); test/lib/errors.test.ts fails when a code used
// in src/ is missing here or there. Exit 2 means "what you typed is wrong" (fix the command), exit 1
// means "it did not work" (fix the system, or try again).

interface CatalogueEntry {
  readonly exitCode: 1 | 2;
}

export const ERRORS = {
  CLI_USAGE: { exitCode: 2 },
  CLI_QUERY_INVALID: { exitCode: 2 },
  CLI_INPUT_UNREADABLE: { exitCode: 2 },
  CLI_CONFIG_INVALID: { exitCode: 1 },
  CLI_UNREACHABLE: { exitCode: 1 },
  CLI_TIMEOUT: { exitCode: 1 },
  CLI_UNAUTHORIZED: { exitCode: 1 },
  CLI_FORBIDDEN: { exitCode: 1 },
  CLI_NOT_FOUND: { exitCode: 1 },
  CLI_CONFLICT: { exitCode: 1 },
  CLI_SERVER_ERROR: { exitCode: 1 },
  CLI_BAD_RESPONSE: { exitCode: 1 },
  CLI_STREAM_LOST: { exitCode: 1 },
  CLI_REJECTED: { exitCode: 1 },
  CLI_STACK_FAILED: { exitCode: 1 },
  CLI_INTERNAL: { exitCode: 1 },
} as const satisfies Record<`CLI_${string}`, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

/** A query error the API located in the query text (0-based UTF-16 offsets), for a caret display. */
export interface QueryErrorPosition {
  param: string;
  message: string;
  position?: number;
  length?: number;
}

export interface CliErrorOptions {
  /** Machine-readable details for `--json` (HTTP status, API error code, rejected lines…). */
  details?: Record<string, unknown>;
  /** Query errors with positions, shown under the query text on a terminal. */
  positions?: QueryErrorPosition[];
  cause?: unknown;
}

export class CliError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: 1 | 2;
  readonly details: Record<string, unknown> | undefined;
  readonly positions: QueryErrorPosition[] | undefined;

  /** `message` is one line that says what went wrong and what to do about it. */
  constructor(code: ErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    this.details = options.details;
    this.positions = options.positions;
  }

  /** The `--json` form: `{"error": {...}}` on stdout, like oclif's own JSON errors. */
  toJson(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        exitCode: this.exitCode,
        ...(this.positions === undefined ? {} : { positions: this.positions }),
        ...this.details,
      },
    };
  }
}

export const usageError = (message: string, details?: Record<string, unknown>): CliError =>
  new CliError('CLI_USAGE', message, details === undefined ? {} : { details });
