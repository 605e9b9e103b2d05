//! Unit tests of `config`.

use super::*;

fn sample() -> Profile {
    Profile {
        region: Some("ap-northeast-1".to_owned()),
        client_id: "4b2q8ojjvq1h7pbm0k7rbf8cr5".to_owned(),
        api_url: Some("https://abc123.execute-api.ap-northeast-1.amazonaws.com/Prod".to_owned()),
        bucket: Some("shitadan".to_owned()),
        pdf_prefix: Some("api/receipts/r6/pdf/".to_owned()),
        upload_prefix: Some("api/receipts/r6/jpeg/".to_owned()),
        ..Profile::default()
    }
}

#[test]
fn config_round_trips_through_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/config.toml");
    let mut config = Config::default();
    config.profiles.insert("経理".to_owned(), sample());
    config.default_profile = Some("経理".to_owned());
    config.save(&path).expect("save");
    assert_eq!(Config::load(&path).expect("load"), config);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
        .expect("read_dir")
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn a_missing_file_is_an_empty_config_and_a_broken_one_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    assert_eq!(Config::load(&path).expect("load"), Config::default());
    std::fs::write(&path, "profiles = [").expect("write");
    let err = Config::load(&path).expect_err("broken");
    assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
}

#[test]
fn profiles_are_picked_by_name_default_or_uniqueness() {
    let mut config = Config::default();
    assert!(matches!(config.profile(None), Err(ConfigError::NoProfile)));
    config.profiles.insert("a".to_owned(), sample());
    assert_eq!(config.profile(None).expect("only").0, "a");
    config.profiles.insert("b".to_owned(), sample());
    assert!(matches!(config.profile(None), Err(ConfigError::NoProfile)));
    config.default_profile = Some("b".to_owned());
    assert_eq!(config.profile(None).expect("default").0, "b");
    let err = config.profile(Some("c")).expect_err("unknown");
    assert!(err.to_string().contains("known: a, b"), "{err}");
}

#[test]
fn a_working_token_kind_is_remembered_in_its_profile_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    let mut config = Config::default();
    config.profiles.insert("work".to_owned(), sample());
    config.profiles.insert("home".to_owned(), sample());
    config.save(&path).expect("save");
    Config::remember_token_kind(&path, "work", TokenKind::Access).expect("remember");
    let loaded = Config::load(&path).expect("load");
    assert_eq!(loaded.profiles["work"].token_kind, TokenKind::Access);
    assert_eq!(loaded.profiles["home"].token_kind, TokenKind::Id);
    assert!(Config::remember_token_kind(&path, "gone", TokenKind::Id).is_err());
}

#[test]
fn remembered_marks_name_profile_and_user_and_are_forgotten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    let mut config = Config::default();
    config.profiles.insert("work".to_owned(), sample());
    config.save(&path).expect("save");
    Config::mark_remembered(&path, "work", "alice", true).expect("mark");
    let loaded = Config::load(&path).expect("load");
    assert!(loaded.is_remembered("work", "alice"));
    assert!(!loaded.is_remembered("work", "bob"));
    assert!(!loaded.is_remembered("home", "alice"));
    assert_eq!(loaded.profiles, config.profiles, "nothing else changed");
    Config::mark_remembered(&path, "work", "alice", false).expect("forget");
    let loaded = Config::load(&path).expect("load");
    assert!(!loaded.is_remembered("work", "alice"));
    assert!(loaded.remembered.is_empty());
}

#[test]
fn service_urls_must_be_https_except_on_loopback() {
    assert!(check_service_url("https://cognito-idp.ap-northeast-1.amazonaws.com/").is_ok());
    assert!(check_service_url("http://127.0.0.1:5000/").is_ok());
    assert!(check_service_url("http://localhost:5000/").is_ok());
    assert!(check_service_url("http://[::1]:5000/").is_ok());
    assert!(check_service_url("http://example.com/").is_err());
    assert!(check_service_url("ftp://127.0.0.1/").is_err());
    assert!(check_service_url("not a url").is_err());
}

#[test]
fn validation_names_the_field() {
    let mut profile = sample();
    assert!(profile.validate("p").is_ok());
    profile.client_id = "has space".to_owned();
    let err = profile.validate("p").expect_err("bad client id");
    assert!(err.to_string().contains("client_id"), "{err}");
    let mut profile = sample();
    profile.region = None;
    assert!(profile.validate("p").is_err(), "no region and no endpoint");
    profile.cognito_endpoint = Some("http://127.0.0.1:9/".to_owned());
    assert!(profile.validate("p").is_ok());
    profile.api_url = Some("http://example.com/Prod".to_owned());
    let err = profile.validate("p").expect_err("http api");
    assert!(err.to_string().contains("api_url"), "{err}");
}
