// Named errors of @ala/cli. Must not: print or exit (main.ts does).

/** Bad command-line input: unknown option value, conflicting flags, unusable --out / --resume. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(
    message: string,
    readonly option: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
