// Drives `ddlint lsp` the way the extension's language client does: the same command line (from
// src/server.ts), VS Code's capabilities (UTF-16 positions only, code-action resolve, Markdown
// hovers), incremental changes. The binary comes from DDLINT_BIN.
import assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  Command,
  ConfigurationParams,
  ConfigurationRequest,
  Diagnostic,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  LogMessageNotification,
  MarkupContent,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  Range,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextEdit,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  WorkspaceEdit,
  WorkspaceFoldersRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { SERVER_ARGS, STDIO_FLAG, initializationOptions } from '../src/server';

const RULE = 'timestamp-without-time-zone';
const FIX_TITLE = 'Convert to timestamptz';
// The comment before the column puts a 2-unit UTF-16 character (4 UTF-8 bytes) and 2 accented
// letters before `timestamp`, so a server answering in bytes instead of UTF-16 is caught.
const SCHEMA =
  'CREATE TABLE t (id bigint PRIMARY KEY, /* Größe 🚀 */ created_at timestamp NOT NULL DEFAULT now());\n';
const WAIT_MS = 20_000;

// VS Code 1.82's client, reduced to what this session exercises.
const VSCODE_CAPABILITIES: ClientCapabilities = {
  general: {
    positionEncodings: ['utf-16'],
    markdown: { parser: 'marked', version: '1.1.0' },
  },
  workspace: {
    applyEdit: true,
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    workspaceEdit: {
      documentChanges: true,
      resourceOperations: ['create', 'rename', 'delete'],
      failureHandling: 'textOnlyTransactional',
      normalizesLineEndings: true,
      changeAnnotationSupport: { groupsOnLabel: true },
    },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: false,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
        },
      },
      honorsChangeAnnotations: false,
    },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
  },
  window: {
    workDoneProgress: true,
    showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
    showDocument: { support: true },
  },
};

const DDLINT_BIN = process.env.DDLINT_BIN;
const REQUIRE_EXTERNAL = process.env.DDLINT_REQUIRE_EXTERNAL === '1';
const MISSING_BIN = 'DDLINT_BIN is not set (it names the ddlint binary to test)';

test(
  'a VS Code client session: diagnostics, quick fix, incremental edit, hover, shutdown',
  { timeout: 120_000, skip: DDLINT_BIN === undefined && !REQUIRE_EXTERNAL ? MISSING_BIN : false },
  async (t) => {
    if (DDLINT_BIN === undefined) {
      assert.fail(`${MISSING_BIN}; DDLINT_REQUIRE_EXTERNAL=1 makes that a failure`);
    }
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ddlint-vscode-'));
    t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
    fs.mkdirSync(path.join(workspace, '.git'));
    fs.mkdirSync(path.join(workspace, 'db'));
    const file = path.join(workspace, 'db', 'schema.sql');
    fs.writeFileSync(file, SCHEMA);
    const uri = pathToFileURL(file).href;

    const session = Session.start(DDLINT_BIN, workspace);
    t.after(() => session.kill());

    const init = await session.response('initialize', session.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      locale: 'en',
      rootPath: workspace,
      rootUri: pathToFileURL(workspace).href,
      capabilities: VSCODE_CAPABILITIES,
      initializationOptions: initializationOptions('text'),
      trace: 'off',
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: path.basename(workspace) }],
    }));
    checkCapabilities(init, session);
    await session.connection.sendNotification(InitializedNotification.type, {});

    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'sql', version: 1, text: SCHEMA },
    });
    // Version 1 singles out the diagnostics of the opened text from any the server publishes for
    // the file on disk.
    const opened = await session.waitFor(`diagnostics for ${uri} at version 1 containing ${RULE}`, () =>
      session.published.find((p) => p.uri === uri && p.version === 1 && p.diagnostics.some((d) => d.code === RULE)),
    );
    const diagnostic = opened.diagnostics.find((d) => d.code === RULE) as Diagnostic;
    const column = SCHEMA.indexOf('timestamp ');
    assert.equal(diagnostic.source, 'ddlint', session.explain('source "ddlint"'));
    assert.deepEqual(
      diagnostic.range,
      { start: { line: 0, character: column }, end: { line: 0, character: column + 'timestamp'.length } },
      session.explain(`${RULE} on the word timestamp, at UTF-16 character ${column} of line 0`),
    );

    const fix = await findFix(session, uri, diagnostic);
    const edits = editsFor(fix.edit as WorkspaceEdit, uri, session);
    assert.equal(edits.length, 1, session.explain(`one text edit in "${FIX_TITLE}", got ${JSON.stringify(edits)}`));
    assert.equal(textAt(SCHEMA, edits[0].range), 'timestamp', session.explain(`the edit to replace "timestamp", got ${JSON.stringify(edits[0])}`));
    assert.equal(edits[0].newText, 'timestamptz', session.explain(`the edit to insert "timestamptz", got ${JSON.stringify(edits[0])}`));

    // Applied as VS Code applies a workspace edit: an incremental change with the edit's range.
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((edit) => ({
        range: edit.range,
        rangeLength: textAt(SCHEMA, edit.range).length,
        text: edit.newText,
      })),
    });
    const refreshed = await session.waitFor(`diagnostics for ${uri} at version 2`, () =>
      session.published.find((p) => p.uri === uri && p.version === 2),
    );
    assert.ok(
      !refreshed.diagnostics.some((d) => d.code === RULE),
      session.explain(`no ${RULE} after the fix, got ${JSON.stringify(refreshed.diagnostics)}`),
    );

    const tableName = { line: 0, character: 'CREATE TABLE '.length };
    const hover = await session.response(
      'textDocument/hover',
      session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: tableName }),
    );
    assert.ok(hover !== null, session.explain('a hover on the table name t, got null'));
    const markdown = hoverMarkdown(hover.contents, session);
    assert.ok(markdown.includes('**t**'), session.explain(`the hover to contain **t**, got:\n${markdown}`));

    await session.response('shutdown', session.connection.sendRequest(ShutdownRequest.type));
    await session.connection.sendNotification(ExitNotification.type);
    const exit = await session.exited(10_000);
    assert.deepEqual(exit, { code: 0, signal: null }, session.explain('the server to exit with code 0 after shutdown and exit'));
  },
);

function checkCapabilities(init: InitializeResult, session: Session): void {
  const caps = init.capabilities;
  const encoding = caps.positionEncoding ?? 'utf-16';
  assert.equal(encoding, 'utf-16', session.explain('UTF-16 positions, the only encoding VS Code offers'));
  const sync = caps.textDocumentSync;
  const change = typeof sync === 'number' ? sync : sync?.change;
  assert.equal(change, TextDocumentSyncKind.Incremental, session.explain(`incremental text sync, got ${JSON.stringify(sync)}`));
  assert.ok(caps.codeActionProvider, session.explain('a code action provider'));
  assert.ok(caps.hoverProvider, session.explain('a hover provider'));
}

async function findFix(session: Session, uri: string, diagnostic: Diagnostic): Promise<CodeAction> {
  const actions = await session.response(
    'textDocument/codeAction',
    session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], triggerKind: CodeActionTriggerKind.Invoked },
    }),
  );
  const found = (actions ?? []).find(
    (a: Command | CodeAction): a is CodeAction => !Command.is(a) && a.title === FIX_TITLE,
  );
  assert.ok(found, session.explain(`a code action "${FIX_TITLE}", got ${JSON.stringify(actions)}`));
  assert.ok(
    found.kind === 'quickfix' || found.kind?.startsWith('quickfix.'),
    session.explain(`"${FIX_TITLE}" to be a quickfix, got kind ${String(found.kind)}`),
  );
  if (found.edit !== undefined) {
    return found;
  }
  // VS Code announces resolveSupport for `edit`, so the server may send the edit on resolve.
  const resolved = await session.response(
    'codeAction/resolve',
    session.connection.sendRequest(CodeActionResolveRequest.type, found),
  );
  assert.ok(resolved.edit, session.explain(`"${FIX_TITLE}" to carry an edit after resolve, got ${JSON.stringify(resolved)}`));
  return resolved;
}

function editsFor(edit: WorkspaceEdit, uri: string, session: Session): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const [target, changes] of Object.entries(edit.changes ?? {})) {
    assert.equal(target, uri, session.explain(`edits only for ${uri}, got ${JSON.stringify(edit)}`));
    edits.push(...changes);
  }
  for (const change of edit.documentChanges ?? []) {
    assert.ok('textDocument' in change, session.explain(`only text edits, got ${JSON.stringify(change)}`));
    assert.equal(change.textDocument.uri, uri, session.explain(`edits only for ${uri}, got ${JSON.stringify(edit)}`));
    assert.ok(
      change.textDocument.version === null || change.textDocument.version === 1,
      session.explain(`the edit to target document version 1, got ${JSON.stringify(change.textDocument)}`),
    );
    edits.push(...change.edits.filter((e): e is TextEdit => 'range' in e && 'newText' in e));
  }
  return edits;
}

function hoverMarkdown(contents: unknown, session: Session): string {
  if (MarkupContent.is(contents)) {
    assert.equal(contents.kind, 'markdown', session.explain(`a Markdown hover, got ${contents.kind}`));
    return contents.value;
  }
  const parts = Array.isArray(contents) ? contents : [contents];
  return parts.map((part) => (typeof part === 'string' ? part : (part as { value: string }).value)).join('\n');
}

// Offsets in a JavaScript string are UTF-16 code units, the unit of LSP characters here.
function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    assert.ok(next >= 0, `position ${JSON.stringify(position)} is past the end of the document`);
    offset = next + 1;
  }
  return offset + position.character;
}

function textAt(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One server process and what it said: diagnostics, log lines, stderr. */
class Session {
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly log: string[] = [];
  private stderr = '';
  private exit: Exit | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    private readonly command: string,
  ) {}

  static start(bin: string, workspace: string): Session {
    const args = [...SERVER_ARGS, STDIO_FLAG];
    const child = spawn(bin, args, { cwd: workspace, stdio: 'pipe' });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const session = new Session(child, connection, [bin, ...args].join(' '));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      session.stderr += chunk;
    });
    child.on('error', (error) => {
      session.note(`spawn failed: ${error.message}`);
      session.exit ??= { code: null, signal: null };
      session.notify();
    });
    child.on('exit', (code, signal) => {
      session.exit = { code, signal };
      session.notify();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      session.published.push(params);
      session.notify();
    });
    connection.onNotification(LogMessageNotification.type, (params) => session.note(`log[${params.type}]: ${params.message}`));
    connection.onNotification(ShowMessageNotification.type, (params) => session.note(`show[${params.type}]: ${params.message}`));
    connection.onUnhandledNotification((message) => session.note(`notification ${message.method}`));
    // The answers VS Code gives to the server's own requests.
    connection.onRequest(ConfigurationRequest.type, (params: ConfigurationParams) =>
      params.items.map((item) =>
        item.section === 'ddlint'
          ? { server: { path: bin }, hover: initializationOptions('text').hover, trace: { server: 'off' } }
          : null,
      ),
    );
    connection.onRequest(WorkspaceFoldersRequest.type, () => [
      { uri: pathToFileURL(workspace).href, name: path.basename(workspace) },
    ]);
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onError(([error]) => session.note(`connection error: ${error.message}`));
    connection.listen();
    return session;
  }

  /** A failure message: what was expected, then everything the server sent and printed. */
  explain(expected: string): string {
    const published = this.published.map(
      (p) =>
        `  ${p.uri} v${String(p.version)}: ` +
        (p.diagnostics.map((d) => `${String(d.code)}@${rangeText(d.range)}`).join(', ') || '(none)'),
    );
    return [
      `expected ${expected}`,
      `server: ${this.command}${this.exit ? ` (exited: ${JSON.stringify(this.exit)})` : ''}`,
      `publishDiagnostics received:\n${published.join('\n') || '  (none)'}`,
      `messages:\n${this.log.map((l) => `  ${l}`).join('\n') || '  (none)'}`,
      `server stderr (last 4000 characters):\n${this.stderr.slice(-4000) || '  (empty)'}`,
    ].join('\n');
  }

  response<R>(what: string, request: Promise<R>): Promise<R> {
    return this.race(`a response to ${what}`, request);
  }

  waitFor<T>(what: string, find: () => T | undefined): Promise<T> {
    return this.race(
      what,
      new Promise<T>((resolve) => {
        const check = (): void => {
          const found = find();
          if (found !== undefined) {
            this.listeners.delete(check);
            resolve(found);
          }
        };
        this.listeners.add(check);
        check();
      }),
    );
  }

  exited(timeoutMs: number): Promise<Exit> {
    return this.race(
      'the server process to exit',
      new Promise<Exit>((resolve) => {
        const check = (): void => {
          if (this.exit !== undefined) {
            this.listeners.delete(check);
            resolve(this.exit);
          }
        };
        this.listeners.add(check);
        check();
      }),
      timeoutMs,
      false,
    );
  }

  kill(): void {
    this.connection.dispose();
    if (this.exit === undefined) {
      this.child.kill('SIGKILL');
    }
  }

  // Settles with `work`, or fails with the whole context on timeout or an early exit.
  private race<T>(what: string, work: Promise<T>, timeoutMs = WAIT_MS, failOnExit = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (why: string): void => {
        cleanup();
        reject(new Error(this.explain(`${what} (${why})`)));
      };
      const timer = setTimeout(() => fail(`nothing after ${timeoutMs / 1000} s`), timeoutMs);
      const onExit = (): void => {
        if (failOnExit && this.exit !== undefined) {
          fail('the server exited first');
        }
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(onExit);
      };
      this.listeners.add(onExit);
      work.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => fail(`request failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
  }

  private note(line: string): void {
    this.log.push(line);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

function rangeText(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}
