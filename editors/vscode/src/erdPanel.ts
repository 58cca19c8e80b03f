import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { erdArgs, makeNonce, openTableMessage, tableMatch, webviewPage } from './erd';
import { SCHEMA_GLOB } from './server';

// The largest page read from `ddlint erd`: a schema of thousands of tables stays well under it.
const MAX_PAGE_BYTES = 256 * 1024 * 1024;
// Saves and file events come in bursts (a branch switch, "save all"): one redraw after them.
const REDRAW_DELAY_MS = 300;
// A table name as written under the cursor: `posts`, `public.posts`, `"Posts"`.
const TABLE_WORD = /"[^"]+"(\."[^"]+")?|[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?/;

type Server = () => { command: string; executable: string | undefined };

/**
 * The "ddlint: Show ERD" panel: the page `ddlint erd --format html` draws for the workspace, or
 * around the table under the cursor, redrawn when schema files change; a click on a table opens
 * its definition.
 */
export class ErdPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private around: string | undefined;
  private paths: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly server: Server,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(SCHEMA_GLOB);
    const redraw = () => this.scheduleRedraw();
    this.subscriptions.push(
      watcher,
      watcher.onDidChange(redraw),
      watcher.onDidCreate(redraw),
      watcher.onDidDelete(redraw),
      vscode.workspace.onDidSaveTextDocument(redraw),
    );
  }

  async show(editor: vscode.TextEditor | undefined): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const file = editor?.document.uri.scheme === 'file' ? editor.document.uri.fsPath : undefined;
    this.paths = folders.length > 0 ? folders : file !== undefined ? [file] : [];
    this.around = editor === undefined ? undefined : tableUnderCursor(editor);
    if (this.panel === undefined) {
      const panel = vscode.window.createWebviewPanel(
        'ddlint.erd',
        'ddlint ERD',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [] },
      );
      panel.onDidDispose(() => {
        this.panel = undefined;
      });
      panel.webview.onDidReceiveMessage((message: unknown) => {
        const open = openTableMessage(message);
        if (open !== undefined) {
          void this.openTable(open.name);
        }
      });
      this.panel = panel;
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside);
    }
    await this.redraw();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }

  private scheduleRedraw(): void {
    if (this.panel === undefined) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.redraw(), REDRAW_DELAY_MS);
  }

  private async redraw(): Promise<void> {
    const panel = this.panel;
    if (panel === undefined) {
      return;
    }
    const { command, executable } = this.server();
    if (executable === undefined) {
      panel.webview.html = notice(`Cannot find the ddlint executable "${command}".`);
      return;
    }
    if (this.paths.length === 0) {
      panel.webview.html = notice('Open a folder or a schema file to draw its diagram.');
      return;
    }
    let page: string;
    try {
      // A word under the cursor that names no table draws the whole workspace.
      page = await this.draw(executable, this.around).catch(() => {
        this.around = undefined;
        return this.draw(executable, undefined);
      });
    } catch (error) {
      this.output.appendLine(`ddlint erd: ${String(error)}`);
      panel.webview.html = notice('ddlint could not draw the diagram; see the ddlint output.');
      return;
    }
    panel.title = this.around === undefined ? 'ddlint ERD' : `ddlint ERD: ${this.around}`;
    panel.webview.html = webviewPage(page, makeNonce());
  }

  private draw(executable: string, around: string | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        executable,
        erdArgs(this.paths, around),
        { cwd: this.paths[0], maxBuffer: MAX_PAGE_BYTES },
        (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout)),
      );
    });
  }

  /** Opens the definition of the table drawn as `name`, found through workspace symbols. */
  private async openTable(name: string): Promise<void> {
    const unqualified = name.replace(/"/g, '').split('.').pop() ?? name;
    const symbols =
      (await vscode.commands.executeCommand<vscode.SymbolInformation[]>(
        'vscode.executeWorkspaceSymbolProvider',
        unqualified,
      )) ?? [];
    let best: vscode.SymbolInformation | undefined;
    let bestScore = 0;
    for (const symbol of symbols) {
      const score = tableMatch(name, symbol.name);
      if (score > bestScore) {
        best = symbol;
        bestScore = score;
      }
    }
    if (best === undefined) {
      void vscode.window.showInformationMessage(`ddlint: no definition of ${name} found.`);
      return;
    }
    await vscode.window.showTextDocument(best.location.uri, {
      selection: best.location.range,
      viewColumn: vscode.ViewColumn.One,
    });
  }
}

function tableUnderCursor(editor: vscode.TextEditor): string | undefined {
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, TABLE_WORD);
  return range === undefined ? undefined : editor.document.getText(range);
}

function notice(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html><body><p>${escaped}</p></body></html>`;
}
