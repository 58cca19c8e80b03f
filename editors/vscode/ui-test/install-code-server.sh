#!/usr/bin/env bash
# Finishes code-server's install after `npm ci --ignore-scripts` here, fetching nothing from
# outside the npm registry. Needs linux-x64, Debian's ripgrep, libkrb5-dev (code-server builds
# the kerberos module) and the Node.js headers in /usr/include/node (Debian's nodejs).
set -euo pipefail
cd "$(dirname "$0")"

# code-server's install step (`postinstall.sh`: npm install of VS Code's own dependencies, whose
# native modules it builds). npm 11 runs no install scripts here and dropped --unsafe-perm, which
# the script demands of root, so it runs by hand with the settings it checks for.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# @vscode/ripgrep downloads rg from GitHub unless its cache already holds the release archive:
# the cache gets one made of Debian's rg. npm_config_build_from_source: argon2 and kerberos build
# with node-gyp instead of fetching prebuilt binaries from GitHub; npm_config_nodedir: node-gyp
# takes the installed headers instead of downloading them.
ripgrep_version="$(node -p "require('./node_modules/code-server/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")"
cache="$scratch/vscode-ripgrep-cache-$ripgrep_version"
mkdir -p "$cache/rg"
cp "$(command -v rg)" "$cache/rg/rg"
tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$cache/rg" rg
export npm_config_build_from_source=true npm_config_nodedir=/usr
# code-server's own native module (its password hashing), skipped by --ignore-scripts.
npm rebuild argon2
(
  cd node_modules/code-server
  # npm_config_yes: node-pty's install script runs `npx node-gyp`, which otherwise stops at a
  # question.
  TMPDIR="$scratch" \
    npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
    npm_config_unsafe_perm=true \
    npm_config_yes=true \
    npm_config_audit=false \
    npm_config_fund=false \
    sh ./postinstall.sh
)
