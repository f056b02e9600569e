import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
});
if (process.argv[2] !== 'serve') process.exitCode = code;
else if (code !== 0) process.exit(code);
