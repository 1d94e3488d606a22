'use strict';
// The least a Node wrapper with tfw's duties can add to a terraform run, for
// `npm run bench` to set beside tfw's warm run (docs/startup.md): Node starts
// (no bundle, no reading, no planning), reads one session file, writes the
// three per-run files 0600 in a fresh 0700 directory, starts the signal
// witness (/bin/sh with tfw's two pipes) and terraform, waits, removes the
// files and exits with terraform's status. Not tfw: a yardstick.
//   node bench/least-wrapper.cjs SESSION_FILE TERRAFORM ARGS…
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

const [session, terraform, ...args] = process.argv.slice(2);
const text = readFileSync(session, 'utf8');
const dir = mkdtempSync(join(process.env.XDG_RUNTIME_DIR || tmpdir(), 'least-wrapper-'));
const files = ['owner', 'config', 'credentials'];
for (const name of files) writeFileSync(join(dir, name), text.slice(0, 400), { mode: 0o600, flag: 'wx' });
const witness = spawn('/bin/sh', ['-c', "trap 'echo SIGINT' INT\nwhile :; do read -r _ || exit 0; done"], { stdio: ['pipe', 'pipe', 'ignore'] });
witness.unref();
const child = spawn(terraform, args, {
  stdio: 'inherit',
  env: { ...process.env, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') },
});
child.on('exit', (code) => {
  witness.kill('SIGKILL');
  for (const name of files) unlinkSync(join(dir, name));
  rmdirSync(dir);
  process.exit(code ?? 1);
});
