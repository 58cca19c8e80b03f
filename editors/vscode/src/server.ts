// How the extension launches and configures `ddlint lsp`. Nothing here imports `vscode`, so the
// protocol tests build the exact same command line and initialization options outside the editor.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Arguments before the `--stdio` flag that the language client appends for stdio transport. */
export const SERVER_ARGS: readonly string[] = ['lsp'];

/** The flag vscode-languageclient adds for `TransportKind.stdio`. */
export const STDIO_FLAG = '--stdio';

export const ERD_MODES = ['text', 'mermaid', 'both', 'off'] as const;
export type ErdMode = (typeof ERD_MODES)[number];

/**
 * The documents the server receives, saved or not: PostgreSQL SQL and Prisma schemas, which it
 * checks, and Markdown and Mermaid files, which it is told about but does not check yet.
 */
export const LANGUAGES = ['sql', 'prisma', 'markdown', 'mermaid'] as const;

export const DOCUMENT_SELECTOR = LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

/** The files whose change redraws an open ERD panel. */
export const SCHEMA_GLOB = '**/*.{sql,pgsql,psql,prisma,md,markdown,mmd,mermaid}';

/** Where a platform `.vsix` carries the server, relative to the extension's folder. */
export function bundledServerPath(
  extensionPath: string,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const name = platform === 'win32' ? 'ddlint.exe' : 'ddlint';
  return path.join(extensionPath, 'bin', `${platform}-${arch}`, name);
}

/**
 * The server to run: the `ddlint.server.path` setting when the user set one, else the binary
 * bundled in a platform `.vsix` when it is there, else `ddlint` on PATH.
 */
export function chooseServerCommand(
  setting: string | undefined,
  workspaceFolder: string | undefined,
  bundled: string | undefined,
  home: string = os.homedir(),
): string {
  if ((setting ?? '').trim() === '' && bundled !== undefined) {
    return bundled;
  }
  return resolveServerCommand(setting, workspaceFolder, home);
}

const LEVELS = ['off', 'info', 'warning', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface InitializationOptions {
  hover: { erd: ErdMode };
  rules?: Record<string, Level>;
  baseline?: string;
}

/**
 * The server's settings, sent as `initializationOptions` and again on every change: an unknown
 * drawing mode falls back to the default one; rule levels other than the four are left out (the
 * server reports unknown rule ids itself); an empty baseline means the one `ddlint.toml` names.
 */
export function initializationOptions(
  erd: string | undefined,
  rules: Record<string, unknown> = {},
  baseline = '',
): InitializationOptions {
  const mode = ERD_MODES.find((m) => m === erd) ?? 'text';
  const options: InitializationOptions = { hover: { erd: mode } };
  const levels = Object.entries(rules).filter((entry): entry is [string, Level] =>
    LEVELS.includes(entry[1] as Level),
  );
  if (levels.length > 0) {
    options.rules = Object.fromEntries(levels);
  }
  if (baseline.trim() !== '') {
    options.baseline = baseline.trim();
  }
  return options;
}

/**
 * Turns the `ddlint.server.path` setting into the command to spawn: empty means `ddlint` on PATH,
 * `~/` is the home directory, and a relative path with a directory part is taken from the first
 * workspace folder (a bare name stays a PATH lookup).
 */
export function resolveServerCommand(
  setting: string | undefined,
  workspaceFolder: string | undefined,
  home: string = os.homedir(),
): string {
  const value = (setting ?? '').trim();
  if (value === '') {
    return 'ddlint';
  }
  if (value.startsWith('~/') || value.startsWith('~\\')) {
    return path.join(home, value.slice(1));
  }
  if (path.isAbsolute(value)) {
    return value;
  }
  const hasDirectory = value.includes('/') || value.includes('\\');
  if (hasDirectory && workspaceFolder !== undefined) {
    return path.resolve(workspaceFolder, value);
  }
  return value;
}

/**
 * Where `command` would be run from: itself when it names a file, else the first match on PATH
 * (with PATHEXT on Windows). `undefined` when nothing executable is there.
 */
export function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const windows = platform === 'win32';
  const extensions = windows ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const candidates =
    command.includes('/') || (windows && command.includes('\\'))
      ? [command]
      : (env.PATH ?? '')
          .split(windows ? ';' : ':')
          .filter((dir) => dir !== '')
          .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      if (isExecutableFile(candidate + extension, windows)) {
        return candidate + extension;
      }
    }
  }
  return undefined;
}

function isExecutableFile(file: string, windows: boolean): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (!windows) {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
