/** 简体中文 for signing in and out, the idle warning, one's password and two-factor sign-in. */
export const sessionZhCN = {
  'nav.password': '修改密码',
  'nav.totp': '双因素登录',

  'login.idleEnded': '长时间未操作，已自动退出，请重新登录。',
  'login.code': '验证码',
  'login.codeNote': '请输入身份验证器应用中的 6 位验证码。',
  'login.recoveryCode': '恢复码',
  'login.useRecoveryCode': '改用恢复码',
  'login.useCode': '改用验证码',

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

  'totp.title': '双因素登录',
  'totp.forcedTitle': '请先设置双因素登录',
  'totp.forcedNote': '您的角色要求登录时除密码外还需输入动态验证码，设置完成后才能继续使用。',
  'totp.intro':
    '开启后，登录时除密码外还需输入身份验证器应用（如 Microsoft Authenticator、Google 身份验证器）生成的 6 位验证码。',
  'totp.start': '开始设置',
  'totp.scan': '用身份验证器应用扫描二维码：',
  'totp.qrAlt': '双因素登录二维码',
  'totp.manual': '无法扫码时，请在应用中手动输入以下密钥：',
  'totp.code': '应用显示的 6 位验证码',
  'totp.confirm': '确认开启',
  'totp.busy': '确认中…',
  'totp.enabled': '双因素登录已开启。',
  'totp.recoveryNote':
    '以下恢复码只显示这一次，请抄写或打印后妥善保管。手机丢失时，每个恢复码可代替验证码登录一次。',
  'totp.finish': '我已保存恢复码',
  'totp.isOn': '双因素登录已开启。更换手机或丢失恢复码时，请联系管理员重置。',
};
