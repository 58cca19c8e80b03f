import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  DOCUMENT_SELECTOR,
  bundledServerPath,
  chooseServerCommand,
  findExecutable,
  initializationOptions,
  resolveServerCommand,
} from '../src/server';

test('an empty server path means ddlint on PATH', () => {
  assert.equal(resolveServerCommand(undefined, '/ws'), 'ddlint');
  assert.equal(resolveServerCommand('  ', '/ws'), 'ddlint');
});

test('a bare command name stays a PATH lookup', () => {
  assert.equal(resolveServerCommand('ddlint-nightly', '/ws'), 'ddlint-nightly');
});

test('server paths expand the home directory and resolve against the workspace', () => {
  assert.equal(resolveServerCommand('~/bin/ddlint', '/ws', '/home/me'), path.join('/home/me', 'bin/ddlint'));
  assert.equal(resolveServerCommand('target/debug/ddlint', '/ws'), path.resolve('/ws', 'target/debug/ddlint'));
  assert.equal(resolveServerCommand('/opt/ddlint/bin/ddlint', '/ws'), '/opt/ddlint/bin/ddlint');
});

test('initialization options carry the hover drawing mode', () => {
  assert.deepEqual(initializationOptions('mermaid'), { hover: { erd: 'mermaid' } });
  assert.deepEqual(initializationOptions('off'), { hover: { erd: 'off' } });
  assert.deepEqual(initializationOptions('ascii-art'), { hover: { erd: 'text' } });
  assert.deepEqual(initializationOptions(undefined), { hover: { erd: 'text' } });
  assert.deepEqual(
    initializationOptions('text', { 'missing-table-comment': 'warning', 'char-type': 'loud' }, ' base.json '),
    { hover: { erd: 'text' }, rules: { 'missing-table-comment': 'warning' }, baseline: 'base.json' },
  );
});

test('findExecutable searches PATH and skips files that cannot run', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddlint-vscode-'));
  try {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    fs.writeFileSync(path.join(first, 'ddlint'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(second, 'ddlint'), '#!/bin/sh\n', { mode: 0o755 });
    const env = { PATH: [first, second].join(':') };
    assert.equal(findExecutable('ddlint', env, 'linux'), path.join(second, 'ddlint'));
    assert.equal(findExecutable('missing', env, 'linux'), undefined);
    assert.equal(findExecutable(path.join(second, 'ddlint'), {}, 'linux'), path.join(second, 'ddlint'));
    assert.equal(findExecutable(second, env, 'linux'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled server is used unless the server path is set', () => {
  const bundled = bundledServerPath('/ext', 'linux', 'x64');
  assert.equal(bundled, path.join('/ext', 'bin', 'linux-x64', 'ddlint'));
  assert.equal(bundledServerPath('/ext', 'win32', 'x64'), path.join('/ext', 'bin', 'win32-x64', 'ddlint.exe'));
  assert.equal(chooseServerCommand(undefined, '/ws', bundled), bundled);
  assert.equal(chooseServerCommand(' ', '/ws', bundled), bundled);
  assert.equal(chooseServerCommand('/opt/ddlint', '/ws', bundled), '/opt/ddlint');
  assert.equal(chooseServerCommand('ddlint', '/ws', bundled), 'ddlint');
  assert.equal(chooseServerCommand(undefined, '/ws', undefined), 'ddlint');
});

test('the server gets SQL, Prisma, Markdown and Mermaid documents, saved or not', () => {
  for (const language of ['sql', 'prisma', 'markdown', 'mermaid']) {
    for (const scheme of ['file', 'untitled']) {
      assert.ok(
        DOCUMENT_SELECTOR.some((filter) => filter.language === language && filter.scheme === scheme),
        `${scheme}:${language} is not selected`,
      );
    }
  }
});
