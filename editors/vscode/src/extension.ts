import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  DOCUMENT_SELECTOR,
  SERVER_ARGS,
  findExecutable,
  initializationOptions,
  resolveServerCommand,
} from './server';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
// Restarts run one after another, so two quick setting changes never leave two servers running.
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('ddlint');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('ddlint.restartServer', () => restart()),
    vscode.commands.registerCommand('ddlint.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Both settings are read only when the server starts.
      if (event.affectsConfiguration('ddlint.server') || event.affectsConfiguration('ddlint.hover')) {
        void restart();
      }
    }),
  );
  await restart();
}

export function deactivate(): Promise<void> {
  return queue(stop);
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('ddlint');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const command = resolveServerCommand(config.get<string>('server.path'), folder);
  const executable = findExecutable(command);
  if (executable === undefined) {
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
    initializationOptions: initializationOptions(config.get<string>('hover.erd')),
  };
  output.appendLine(`starting ${executable} ${SERVER_ARGS.join(' ')}`);
  const next = new LanguageClient('ddlint', 'ddlint', serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch {
    // The client has already logged why and offered to open the output channel.
    client = undefined;
    await next.dispose();
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
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
