import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  ClientCapabilities,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
  TransportKind,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';
import { APPLY_EDIT_COMMAND, FIX_ALL_KIND, applyWithoutSaving, progressText } from './actions';
import { ErdPanel } from './erdPanel';
import {
  DOCUMENT_SELECTOR,
  SERVER_ARGS,
  bundledServerPath,
  chooseServerCommand,
  findExecutable,
  initializationOptions,
  type InitializationOptions,
} from './server';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionPath: string;
let status: vscode.StatusBarItem;
// Restarts run one after another, so two quick setting changes never leave two servers running.
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('ddlint');
  extensionPath = context.extensionPath;
  status = vscode.window.createStatusBarItem('ddlint.status', vscode.StatusBarAlignment.Left);
  status.name = 'ddlint';
  status.command = 'ddlint.showOutput';
  const erd = new ErdPanel(output, serverExecutable);
  context.subscriptions.push(
    output,
    status,
    erd,
    vscode.commands.registerCommand('ddlint.restartServer', () => restart()),
    vscode.commands.registerCommand('ddlint.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('ddlint.showErd', () => erd.show(vscode.window.activeTextEditor)),
    vscode.commands.registerCommand('ddlint.fixAll', () => fixAll(vscode.window.activeTextEditor)),
    vscode.commands.registerCommand(APPLY_EDIT_COMMAND, (edit: vscode.WorkspaceEdit) =>
      vscode.workspace.applyEdit(edit),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The server path is read when the server starts; the server takes the other settings
      // as they change (workspace/didChangeConfiguration).
      if (event.affectsConfiguration('ddlint.server')) {
        void restart();
      } else if (event.affectsConfiguration('ddlint') && client !== undefined) {
        void client.sendNotification('workspace/didChangeConfiguration', {
          settings: { ddlint: serverSettings() },
        });
      }
    }),
  );
  await restart();
}

/** The settings the server reads, from the `ddlint` section. */
function serverSettings(): InitializationOptions {
  const config = vscode.workspace.getConfiguration('ddlint');
  return initializationOptions(
    config.get<string>('hover.erd'),
    config.get<Record<string, unknown>>('rules') ?? {},
    config.get<string>('baseline') ?? '',
  );
}

export function deactivate(): Promise<void> {
  return queue(stop);
}

/** The server executable the settings and the bundled binary name, if it is there. */
function serverExecutable(): { command: string; executable: string | undefined } {
  const config = vscode.workspace.getConfiguration('ddlint');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const bundled = bundledServerPath(extensionPath);
  const command = chooseServerCommand(config.get<string>('server.path'), folder, usable(bundled));
  return { command, executable: findExecutable(command) };
}

/** `file` if it is there, made executable: an unpacked .vsix need not keep the file's mode. */
function usable(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    try {
      fs.chmodSync(file, 0o755);
      return file;
    } catch {
      return undefined;
    }
  }
}

async function start(): Promise<void> {
  const { command, executable } = serverExecutable();
  if (executable === undefined) {
    showStatus('error', `cannot find the server "${command}"`);
    const message =
      `ddlint: cannot find the server executable "${command}". ` +
      'Install ddlint or set "ddlint.server.path".';
    output.appendLine(message);
    // Not awaited: activation must not wait for the user to dismiss the notification.
    void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'ddlint.server.path');
      }
    });
    return;
  }

  // TransportKind.stdio makes the client append `--stdio`, which `ddlint lsp` accepts.
  const serverOptions: ServerOptions = {
    command: executable,
    args: [...SERVER_ARGS],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions: serverSettings(),
    middleware: {
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        return actions?.map((action) =>
          action instanceof vscode.CodeAction ? applyWithoutSaving(action) : action,
        );
      },
      resolveCodeAction: async (item, token, next) => {
        const action = await next(item, token);
        return action === null || action === undefined ? action : applyWithoutSaving(action);
      },
    },
  };
  output.appendLine(`starting ${executable} ${SERVER_ARGS.join(' ')}`);
  const next = new LanguageClient('ddlint', 'ddlint', serverOptions, clientOptions);
  next.registerFeature(new ProgressStatus(next, executable));
  client = next;
  showStatus('starting', executable);
  try {
    await next.start();
    showStatus('running', executable);
  } catch {
    // The client has already logged why and offered to open the output channel.
    client = undefined;
    showStatus('error', 'the server did not start');
    await next.dispose();
  }
}

/**
 * Shows the server's work-done progress ("ddlint: reading schema files" while a large workspace
 * loads) in the ddlint status bar item. Its handler of `window/workDoneProgress/create` replaces
 * the language client's own, which would show the same progress a second time.
 */
class ProgressStatus implements StaticFeature {
  constructor(
    private readonly client: LanguageClient,
    private readonly executable: string,
  ) {}

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      let title = 'ddlint';
      const listener = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') {
          listener.dispose();
          showStatus('running', this.executable);
          return;
        }
        if (value.kind === 'begin') {
          title = value.title;
        }
        status.text = progressText(title, value.message, value.percentage);
        status.tooltip = 'ddlint server: loading the workspace. Click for its output.';
      });
    });
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {}
}

function showStatus(state: 'starting' | 'running' | 'error' | 'stopped', detail: string): void {
  const icons = { starting: '$(sync~spin)', running: '$(check)', error: '$(error)', stopped: '$(circle-slash)' };
  status.text = `${icons[state]} ddlint`;
  status.tooltip = `ddlint server: ${state} (${detail}). Click for its output.`;
  status.show();
}

/** Applies the server's "fix all safe problems" action to the editor's file, unsaved. */
async function fixAll(editor: vscode.TextEditor | undefined): Promise<void> {
  if (editor === undefined) {
    void vscode.window.showInformationMessage('ddlint: open a schema file to fix.');
    return;
  }
  const document = editor.document;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      whole,
      FIX_ALL_KIND,
    )) ?? [];
  const action = actions.find((a) => a.kind?.value === FIX_ALL_KIND);
  if (action === undefined) {
    void vscode.window.showInformationMessage('ddlint: no safe fixes in this file.');
    return;
  }
  if (action.edit !== undefined) {
    await vscode.workspace.applyEdit(action.edit);
  }
  if (action.command !== undefined) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  showStatus('stopped', 'restarting or closing');
  try {
    await running.dispose();
  } catch (error) {
    output.appendLine(`ddlint: stopping the server failed: ${String(error)}`);
  }
}

function restart(): Promise<void> {
  return queue(async () => {
    await stop();
    await start();
  });
}

function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step).catch((error: unknown) => {
    output.appendLine(`ddlint: ${String(error)}`);
  });
  return lifecycle;
}
