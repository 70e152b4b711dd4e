import type { FlowPlatform } from './flow-platform';
import type { EditorAccount } from './node-red-protocol';

export const FLOW_FILE = 'flows.json';

/** Shown on the editor's login form (`editorTheme.login.message`, Node-RED 4.1). */
export const EDITOR_LOGIN_MESSAGE =
  '密码后紧接 6 位动态验证码，例如 secret123456 / Type your password followed by the 6-digit code, e.g. secret123456';

/**
 * Core node files Node-RED does not load (`nodesExcludes` matches file names in
 * @node-red/nodes): `exec` runs shell commands.
 */
export const EXCLUDED_NODE_FILES = ['90-exec.js'];

/** One Node-RED log record, as its custom log handlers receive it (util/lib/log.js). */
export interface NodeRedLogRecord {
  level: number;
  msg?: unknown;
  type?: string;
  name?: string;
  id?: string;
}

/**
 * Settings for the Node-RED runtime at /flows, in its own process (see node-red-main.ts).
 * Node-RED extends GridSense (scenario flows wired by engineers); it is not on the critical alert
 * path, and what engineers deploy is code, so the runtime is locked down: no `exec` node, no
 * modules in function nodes, nothing installed at run time (palette, node-specified modules,
 * auto-install), no projects. Names checked against Node-RED 4.1 (`editorTheme.palette.editable`
 * is deprecated there in favour of `externalModules.palette.allowInstall`).
 */
export function nodeRedSettings(options: {
  userDir: string;
  /** Where the compiled GridSense nodes are (see build-nodes.ts). */
  nodesDir: string;
  /** The platform handle GridSense nodes reach as `RED.settings.gridsense`. */
  platform: FlowPlatform;
  credentialSecret: string;
  findEditor(username: string): Promise<EditorAccount | null>;
  authenticateEditor(username: string, password: string): Promise<EditorAccount | null>;
  /** Node-RED's storage (the default one, wrapped to report deploys). */
  storageModule: object;
  /** Where Node-RED's log records go (warn and worse). */
  onLog(record: NodeRedLogRecord): void;
}): Record<string, unknown> {
  return {
    httpAdminRoot: '/flows',
    httpNodeRoot: '/flows/http',
    userDir: options.userDir,
    nodesDir: [options.nodesDir],
    gridsense: options.platform,
    flowFile: FLOW_FILE,
    credentialSecret: options.credentialSecret,
    storageModule: options.storageModule,
    nodesExcludes: EXCLUDED_NODE_FILES,
    functionExternalModules: false,
    externalModules: {
      autoInstall: false,
      palette: { allowInstall: false, allowUpload: false, allowUpdate: false },
      modules: { allowInstall: false },
    },
    editorTheme: {
      projects: { enabled: false },
      tours: false,
      // The form has one password field; GridSense editors sign in with two factors.
      login: { message: EDITOR_LOGIN_MESSAGE },
    },
    logging: {
      platform: { level: 'warn', metrics: false, audit: false, handler: () => options.onLog },
    },
    adminAuth: {
      type: 'credentials',
      users: options.findEditor,
      authenticate: options.authenticateEditor,
    },
  };
}
