// Code actions as VS Code applies them. Nothing here imports `vscode`, so it is tested in plain Node.

/** Applies a workspace edit with `workspace.applyEdit`, which saves nothing. */
export const APPLY_EDIT_COMMAND = 'ddlint.applyEdit';

/** The code action kind of the server's "fix all safe problems" action. */
export const FIX_ALL_KIND = 'source.fixAll.ddlint';

interface ActionLike<Edit extends { size: number }> {
  title: string;
  edit?: Edit;
  command?: { title: string; command: string; arguments?: unknown[] };
}

/**
 * VS Code saves every file an action's edit touches when the edit touches more than one
 * (`files.refactoring.autoSave`), so a fix that also creates a file would save the user's
 * half-edited schema. Such an action carries its edit as a command instead, applied without saving;
 * an edit of one file is left to VS Code, which does not save it.
 */
export function applyWithoutSaving<Edit extends { size: number }, Action extends ActionLike<Edit>>(
  action: Action,
): Action {
  if (action.edit === undefined || action.edit.size <= 1 || action.command !== undefined) {
    return action;
  }
  const edit = action.edit;
  action.edit = undefined;
  action.command = { title: action.title, command: APPLY_EDIT_COMMAND, arguments: [edit] };
  return action;
}

/** What the status bar item says while the server reports work-done progress. */
export function progressText(title: string, message?: string, percentage?: number): string {
  const parts = [title];
  if (message !== undefined && message !== '') {
    parts.push(message);
  }
  const share = percentage === undefined ? '' : ` (${Math.round(percentage)}%)`;
  return `$(sync~spin) ${parts.join(': ')}${share}`;
}
