//! Settings' account section (signed in): password change and authenticator setup.

use crate::i18n::Text;

pub const ACCOUNT: Text = Text {
    en: "Account",
    ja: "アカウント",
};
pub const CHANGE_PASSWORD: Text = Text {
    en: "Change password",
    ja: "パスワードを変更",
};
pub const SAVE_NEW_PASSWORD: Text = Text {
    en: "Save the new password",
    ja: "新しいパスワードを保存",
};
pub const CURRENT_PASSWORD: Text = Text {
    en: "Current password",
    ja: "現在のパスワード",
};
pub const NEW_PASSWORD: Text = Text {
    en: "New password",
    ja: "新しいパスワード",
};
pub const CONFIRM_NEW_PASSWORD: Text = Text {
    en: "Confirm new password",
    ja: "新しいパスワード（確認）",
};
pub const THE_PASSWORDS_DO_NOT_MATCH: Text = Text {
    en: "The passwords do not match.",
    ja: "パスワードが一致しません。",
};
pub const PASSWORD_CHANGED: Text = Text {
    en: "The password was changed.",
    ja: "パスワードを変更しました。",
};
pub const SET_UP_AN_AUTHENTICATOR_APP: Text = Text {
    en: "Set up an authenticator app",
    ja: "認証アプリを設定",
};
pub const AUTHENTICATOR_EXPLAINED: Text = Text {
    en: "After this, every sign-in asks for a 6-digit code from the app as well as the password.",
    ja: "設定後は、サインインのたびにパスワードに加えてアプリの 6 桁のコードが必要になります。",
};
pub const SHOW_A_NEW_KEY: Text = Text {
    en: "Show a new key",
    ja: "新しいキーを表示",
};
pub const CODE_FROM_THE_APP: Text = Text {
    en: "Code from the app",
    ja: "アプリのコード",
};
pub const TURN_ON: Text = Text {
    en: "Turn on",
    ja: "有効にする",
};
pub const AUTHENTICATOR_ON: Text = Text {
    en: "The authenticator app is on: the next sign-in asks for its code.",
    ja: "認証アプリを有効にしました。次回のサインインからコードが必要です。",
};
pub const FORGET_THIS_DEVICE: Text = Text {
    en: "Forget this device",
    ja: "このデバイスの記憶を消す",
};
pub const FORGET_THIS_DEVICE_EXPLAINED: Text = Text {
    en: "The next sign-in from here asks for the MFA code again.",
    ja: "次回このデバイスからサインインするときは、再び MFA コードが必要になります。",
};
pub const DEVICE_FORGOTTEN: Text = Text {
    en: "This device is forgotten: the next sign-in asks for the MFA code.",
    ja: "このデバイスの記憶を消しました。次回のサインインでは MFA コードが必要です。",
};
