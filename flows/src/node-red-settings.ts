import type { FlowPlatform } from './flow-platform';

export const FLOW_FILE = 'flows.json';

export interface EditorAccount {
  username: string;
  permissions: '*';
}

/**
 * Settings for the Node-RED runtime embedded at /flows. Node-RED extends GridSense (scenario
 * flows wired by engineers); it is not on the critical alert path, so its editor is locked down:
 * no projects, no palette installs (nothing is downloaded at run time).
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
}): Record<string, unknown> {
  return {
    httpAdminRoot: '/flows',
    httpNodeRoot: '/flows/http',
    userDir: options.userDir,
    nodesDir: [options.nodesDir],
    gridsense: options.platform,
    flowFile: FLOW_FILE,
    credentialSecret: options.credentialSecret,
    editorTheme: { projects: { enabled: false }, tours: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    adminAuth: {
      type: 'credentials',
      users: options.findEditor,
      authenticate: options.authenticateEditor,
    },
  };
}
