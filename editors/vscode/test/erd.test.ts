import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erdArgs, makeNonce, openTableMessage, tableMatch, webviewPage } from '../src/erd';

const PAGE = [
  '<!DOCTYPE html>',
  '<html lang="en">',
  '<head>',
  '<title>erd</title>',
  '<style>body{}</style>',
  '</head>',
  '<body>',
  '<svg class="erd"><g class="table" id="s0-t1" data-name="posts"><text class="title">posts</text></g></svg>',
  '<script>var own = 1;</script>',
  '</body>',
  '</html>',
].join('\n');

test('the ERD arguments draw the paths, or one table and its neighbours', () => {
  assert.deepEqual(erdArgs(['/ws']), ['erd', '--format', 'html', '--', '/ws']);
  assert.deepEqual(erdArgs(['/a', '/b'], 'public.posts'), [
    'erd',
    '--format',
    'html',
    '--around',
    'public.posts',
    '--',
    '/a',
    '/b',
  ]);
});

test('the webview page runs only its own scripts and posts table clicks', () => {
  const page = webviewPage(PAGE, 'N0NCE');
  const policy = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(policy, 'no content security policy');
  assert.match(policy[1], /default-src 'none'/);
  assert.match(policy[1], /script-src 'nonce-N0NCE'/);
  assert.ok(page.indexOf(policy[0]) < page.indexOf('<title>'), 'the policy must come before content');
  // Every script carries the nonce: the page's own and the bridge.
  const scripts = page.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 2);
  for (const script of scripts) {
    assert.equal(script, '<script nonce="N0NCE">');
  }
  assert.match(page, /acquireVsCodeApi\(\)/);
  assert.match(page, /postMessage\(\{ type: 'openTable'/);
  assert.ok(page.indexOf('acquireVsCodeApi') > page.indexOf('var own = 1'), 'the bridge runs after the page');
  assert.ok(page.trimEnd().endsWith('</html>'));
  assert.ok(page.includes('data-name="posts"'), 'the drawing is kept');
});

test('only well-formed table clicks are taken from the page', () => {
  assert.deepEqual(openTableMessage({ type: 'openTable', name: ' posts ' }), { type: 'openTable', name: 'posts' });
  assert.equal(openTableMessage({ type: 'openTable', name: '' }), undefined);
  assert.equal(openTableMessage({ type: 'openTable' }), undefined);
  assert.equal(openTableMessage({ type: 'other', name: 'posts' }), undefined);
  assert.equal(openTableMessage('posts'), undefined);
  assert.equal(openTableMessage(null), undefined);
});

test('a drawn table matches its symbol, exactly before unqualified', () => {
  assert.equal(tableMatch('posts', 'posts'), 2);
  assert.equal(tableMatch('public.posts', 'public.posts'), 2);
  assert.equal(tableMatch('"Posts"', 'Posts'), 2);
  assert.equal(tableMatch('public.posts', 'posts'), 1);
  assert.equal(tableMatch('posts', 'audit.posts'), 1);
  assert.equal(tableMatch('posts', 'post_tags'), 0);
});

test('nonces are long and vary', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(makeNonce(), nonce);
});
