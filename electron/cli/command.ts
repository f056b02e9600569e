/** Where a command writes: stdout and stderr in the terminal, strings in tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * What every file in commands/ exports. `run` gets the arguments after the command name and returns
 * its exit code (nothing means 0); it throws UsageError for command-line mistakes (exit 2) and
 * EngineError for bad input (exit 1). `help` is what `onnx-studio help COMMAND` and `COMMAND --help`
 * print; the registry answers those before `run` is called.
 */
export interface CommandModule {
  help: string;
  run: (argv: string[], io: Io) => Promise<number | void>;
}
