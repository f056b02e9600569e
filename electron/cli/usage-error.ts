/** A mistake in the command line itself; exits with code 2 (bad input exits with 1). */
export class UsageError extends Error {}
