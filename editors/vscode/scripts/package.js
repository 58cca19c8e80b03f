// Packages the extension: `npm run package` writes a .vsix without a server (users point
// `ddlint.server.path` at theirs); `npm run package -- --target linux-x64` first copies the release
// binary (`cargo build --release -p ddlint`) into bin/<platform>-<arch>/, where the extension looks
// for it, and writes a platform .vsix. `--binary FILE` names another binary; other arguments go to
// `vsce package`.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const extension = path.join(__dirname, '..');
const args = process.argv.slice(2);
const target = take('--target');
const binary = take('--binary') ?? defaultBinary(target);

// A package never carries a binary from an earlier build for another platform.
fs.rmSync(path.join(extension, 'bin'), { recursive: true, force: true });
const vsce = ['package', ...args];
if (target !== undefined) {
  if (!fs.existsSync(binary)) {
    fail(`${binary} does not exist: run \`cargo build --release -p ddlint\` or pass --binary FILE`);
  }
  // vsce's Alpine targets run the Linux build of Node, so the extension looks under linux-*.
  const folder = path.join(extension, 'bin', target.replace(/^alpine-/, 'linux-'));
  const copy = path.join(folder, path.basename(binary));
  fs.mkdirSync(folder, { recursive: true });
  fs.copyFileSync(binary, copy);
  fs.chmodSync(copy, 0o755);
  strip(copy);
  vsce.push('--target', target);
}
execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), ...vsce], {
  cwd: extension,
  stdio: 'inherit',
});

function take(flag) {
  const at = args.indexOf(flag);
  if (at === -1) {
    return undefined;
  }
  if (at + 1 >= args.length) {
    fail(`${flag} needs a value`);
  }
  return args.splice(at, 2)[1];
}

function defaultBinary(target) {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(extension, '..', '..', 'target');
  const name = target?.startsWith('win32-') ? 'ddlint.exe' : 'ddlint';
  return path.resolve(targetDir, 'release', name);
}

// The release profile keeps line tables for backtraces; the shipped binary needs none of it
// (about 60 MB down to 10). Without `strip` the binary goes in as built.
function strip(file) {
  try {
    execFileSync('strip', [file], { stdio: 'ignore' });
  } catch {
    console.warn(`strip failed or is missing; ${file} keeps its debug information`);
  }
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}
