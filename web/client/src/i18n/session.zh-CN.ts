/** 简体中文 for signing in and out, the idle warning and changing one's password. */
export const sessionZhCN = {
  'nav.password': '修改密码',

  'login.idleEnded': '长时间未操作，已自动退出，请重新登录。',

  'idle.title': '即将自动退出',
  'idle.warning': '您已较长时间没有操作，将在 {time} 后自动退出登录。',
  'idle.stay': '保持登录',
  'idle.signOut': '立即退出',

  'password.title': '修改密码',
  'password.forcedTitle': '请先设置新密码',
  'password.forcedNote': '您的密码由管理员设置或已到期，修改后才能继续使用。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.confirm': '再次输入新密码',
  'password.rules': '至少 10 个字符；小写字母、大写字母、数字、其他字符中至少包含 3 类；不能包含用户名。',
  'password.mismatch': '两次输入的新密码不一致',
  'password.submit': '修改密码',
  'password.busy': '保存中…',
  'password.changed': '密码已修改，其他设备上的登录已退出',
  'password.signOut': '退出登录',
};
