/** A mistake in the command line itself; exits with code 2 (bad input exits with 1). */
export class UsageError extends Error {
  /** The command whose --help the message points to; the overall help when absent. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
