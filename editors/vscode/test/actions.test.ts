import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPLY_EDIT_COMMAND, applyWithoutSaving, progressText } from '../src/actions';

interface Edit {
  size: number;
}

interface Action {
  title: string;
  edit?: Edit;
  command?: { title: string; command: string; arguments?: unknown[] };
}

test('an edit of one file stays the action edit', () => {
  const edit = { size: 1 };
  const action: Action = { title: 'Convert to timestamptz', edit };
  assert.deepEqual(applyWithoutSaving(action), { title: 'Convert to timestamptz', edit });
});

test('an edit of several files becomes a command that applies it without saving', () => {
  const edit = { size: 2 };
  const action = applyWithoutSaving<Edit, Action>({ title: 'Move to a new migration', edit });
  assert.equal(action.edit, undefined);
  assert.deepEqual(action.command, {
    title: 'Move to a new migration',
    command: APPLY_EDIT_COMMAND,
    arguments: [edit],
  });
});

test('an action with a command of its own, or no edit, is left as it is', () => {
  const command = { title: 'run', command: 'other.command' };
  const withCommand: Action = { title: 't', edit: { size: 3 }, command };
  assert.deepEqual(applyWithoutSaving(withCommand), { title: 't', edit: { size: 3 }, command });
  assert.deepEqual(applyWithoutSaving<Edit, Action>({ title: 'no edit' }), { title: 'no edit' });
});

test('work-done progress reads as the title, the message and the share done', () => {
  assert.equal(progressText('ddlint: reading schema files'), '$(sync~spin) ddlint: reading schema files');
  assert.equal(
    progressText('ddlint: reading schema files', '120/400 files', 30.4),
    '$(sync~spin) ddlint: reading schema files: 120/400 files (30%)',
  );
  assert.equal(progressText('ddlint', '', 0), '$(sync~spin) ddlint (0%)');
});
