/**
 * Settings for the Node-RED runtime embedded at /flows. Node-RED extends GridSense (scenario
 * flows wired by engineers); it is not on the critical alert path, so its editor is locked down:
 * no projects, no palette installs (nothing is downloaded at run time).
 */
export interface EditorAccount {
  username: string;
  permissions: '*';
}

export function nodeRedSettings(options: {
  userDir: string;
  credentialSecret: string;
  findEditor(username: string): Promise<EditorAccount | null>;
  authenticateEditor(username: string, password: string): Promise<EditorAccount | null>;
}): Record<string, unknown> {
  return {
    httpAdminRoot: '/flows',
    httpNodeRoot: '/flows/http',
    userDir: options.userDir,
    flowFile: 'flows.json',
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
