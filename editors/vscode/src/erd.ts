// The ERD panel's page: the HTML `ddlint erd --format html` writes, made into a webview page whose
// table clicks reach the extension. Nothing here imports `vscode`, so it is tested in plain Node.

/** The message the page posts when a table is clicked. */
export interface OpenTableMessage {
  type: 'openTable';
  name: string;
}

/** The `ddlint erd` arguments drawing `paths`, or only `around` and its neighbours. */
export function erdArgs(paths: readonly string[], around?: string): string[] {
  const args = ['erd', '--format', 'html'];
  if (around !== undefined) {
    args.push('--around', around);
  }
  return [...args, '--', ...paths];
}

// Each table box is a `<g class="table">` whose `.title` is the table's name as drawn.
const BRIDGE = `
(function () {
  var vscode = acquireVsCodeApi();
  document.querySelectorAll('svg.erd .table').forEach(function (table) {
    table.style.cursor = 'pointer';
    table.addEventListener('click', function () {
      var title = table.querySelector('.title');
      vscode.postMessage({ type: 'openTable', name: title ? title.textContent : '' });
    });
  });
})();
`;

/**
 * The page with a content security policy that runs only its own scripts (given `nonce`) and
 * loads nothing, and a script that posts an {@link OpenTableMessage} when a table is clicked.
 */
export function webviewPage(html: string, nonce: string): string {
  const policy =
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
    `style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">`;
  const withPolicy = html.replace(/<head>/i, (head) => `${head}\n${policy}`);
  const withNonces = withPolicy.replace(/<script>/gi, `<script nonce="${nonce}">`);
  const bridge = `<script nonce="${nonce}">${BRIDGE}</script>\n`;
  const end = withNonces.lastIndexOf('</body>');
  return end === -1 ? withNonces + bridge : withNonces.slice(0, end) + bridge + withNonces.slice(end);
}

/** The message if `value` is a table click from the page. */
export function openTableMessage(value: unknown): OpenTableMessage | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const message = value as Record<string, unknown>;
  if (message.type !== 'openTable' || typeof message.name !== 'string' || message.name.trim() === '') {
    return undefined;
  }
  return { type: 'openTable', name: message.name.trim() };
}

/**
 * How well a workspace symbol named `symbol` matches the table drawn as `drawn` (`public.posts`,
 * `"Posts"`, a Prisma model): 2 for the same name, 1 for the same unqualified name, 0 for none.
 */
export function tableMatch(drawn: string, symbol: string): number {
  const plain = (name: string) => name.replace(/"/g, '').toLowerCase();
  const unqualified = (name: string) => plain(name).split('.').pop() ?? '';
  if (plain(drawn) === plain(symbol)) {
    return 2;
  }
  return unqualified(drawn) === unqualified(symbol) ? 1 : 0;
}

/** A random token for the page's script nonce. */
export function makeNonce(random: () => number = Math.random): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let nonce = '';
  for (let i = 0; i < 32; i++) {
    nonce += letters.charAt(Math.floor(random() * letters.length));
  }
  return nonce;
}
