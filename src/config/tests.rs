//! The configuration's unit tests: defaults, overrides by flag, environment and file, and the
//! checks that refuse a bad setting.

use super::*;

fn raw() -> RawSettings {
    RawSettings::default()
}

#[test]
fn defaults_match_the_fixed_points() {
    let config = Config::from_raw(&raw()).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:4747");
    assert_eq!(config.data_dir, PathBuf::from("./ampli-data"));
    assert_eq!((config.db_pool_min, config.db_pool_max), (5, 10));
    assert!(config.database_url.is_none());
}

#[test]
fn a_wrong_value_names_its_setting() {
    let settings = RawSettings {
        db_pool_max: Some("many".into()),
        ..raw()
    };
    let error = Config::from_raw(&settings).unwrap_err().to_string();
    assert_eq!(
        error,
        "invalid setting --db-pool-max (AMPLI_DB_POOL_MAX): expected a whole number, got \"many\""
    );
    assert!(!error.contains('\n'));
}

#[test]
fn pool_minimum_above_maximum_is_refused() {
    let settings = RawSettings {
        db_pool_min: Some("20".into()),
        ..raw()
    };
    let error = Config::from_raw(&settings).unwrap_err();
    assert!(error.setting.contains("AMPLI_DB_POOL_MIN"), "{error}");
}

#[test]
fn database_url_errors_never_show_the_password() {
    let settings = RawSettings {
        database_url: Some("mysql://ampli:hunter2@db/ampli".into()),
        ..raw()
    };
    let error = Config::from_raw(&settings).unwrap_err().to_string();
    assert!(error.contains("DATABASE_URL"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
}

#[test]
fn debug_output_redacts_the_database_password() {
    let settings = RawSettings {
        database_url: Some("postgres://ampli:hunter2@db:5432/ampli?sslmode=require".into()),
        ..raw()
    };
    let shown = format!("{:?}", Config::from_raw(&settings).unwrap());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("postgres://ampli:***@db:5432/ampli"),
        "{shown}"
    );
}

#[test]
fn file_fills_only_what_flags_and_environment_left_unset() {
    let mut settings = RawSettings {
        listen: Some("127.0.0.1:9000".into()),
        ..raw()
    };
    let file: toml::Table = "listen = \"0.0.0.0:1\"\ndb_pool_max = 30\n"
        .parse()
        .unwrap();
    settings.fill_missing_from(file).unwrap();
    let config = Config::from_raw(&settings).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(config.db_pool_max, 30);
}

#[test]
fn unknown_file_keys_are_refused() {
    let file: toml::Table = "lisen = \"0.0.0.0:1\"".parse().unwrap();
    let error = raw().fill_missing_from(file).unwrap_err().to_string();
    assert!(error.contains("unknown key \"lisen\""), "{error}");
}

#[test]
fn durations_and_sizes_parse() {
    assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
    assert_eq!(
        parse_duration("1500ms").unwrap(),
        Duration::from_millis(1500)
    );
    assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
    assert!(parse_duration("soon").is_err());
    assert_eq!(parse_size("512k").unwrap(), 512 * 1024);
    assert_eq!(parse_size("1M").unwrap(), 1 << 20);
    assert!(parse_size("1T").is_err());
}

#[test]
fn s3_settings_are_checked_and_the_secret_never_shown() {
    let settings = RawSettings {
        s3_bucket: Some("media".into()),
        s3_endpoint: Some("http://127.0.0.1:9000".into()),
        s3_secret_access_key: Some("very-secret-key".into()),
        ..raw()
    };
    let config = Config::from_raw(&settings).unwrap();
    let s3 = config.s3.as_ref().unwrap();
    assert!(
        s3.path_style,
        "an explicit endpoint means path-style by default"
    );
    assert!(!format!("{config:?}").contains("very-secret-key"));
    let bad = RawSettings {
        s3_endpoint: Some("ftp://x".into()),
        ..settings
    };
    let error = Config::from_raw(&bad).unwrap_err().to_string();
    assert!(error.contains("AMPLI_S3_ENDPOINT"), "{error}");
}

#[test]
fn raw_settings_debug_hides_the_secrets() {
    let settings = RawSettings {
        database_url: Some("postgres://ampli:hunter2@db/ampli".into()),
        smtp_password: Some("smtp-secret".into()),
        s3_secret_access_key: Some("s3-secret".into()),
        smtp_host: Some("mail.example".into()),
        ..raw()
    };
    let shown = format!("{settings:?} {:?}", Config::from_raw(&settings).unwrap());
    for secret in ["hunter2", "smtp-secret", "s3-secret"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("mail.example"), "{shown}");
}

#[test]
fn a_file_value_of_the_wrong_kind_names_its_setting() {
    let file: toml::Table = "db_pool_max = [1, 2]".parse().unwrap();
    let error = raw().fill_missing_from(file).unwrap_err().to_string();
    assert!(
        error.contains("--db-pool-max (AMPLI_DB_POOL_MAX)"),
        "{error}"
    );
    let file: toml::Table = "config = \"other.toml\"".parse().unwrap();
    let error = raw().fill_missing_from(file).unwrap_err().to_string();
    assert!(error.contains("unknown key \"config\""), "{error}");
}

/// README's configuration table is the operator's reference: each setting has its row, with
/// the environment variable and fixed default the code uses.
#[test]
fn the_readme_table_lists_every_setting_as_declared() {
    let readme = include_str!("../../README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|line| line.starts_with("| `--"))
        .map(|line| line.split('|').map(str::trim).collect())
        .collect();
    let config = raw().settings().config.declared;
    let declared: Vec<_> = std::iter::once(config)
        .chain(RawSettings::DECLARED)
        .collect();
    assert_eq!(rows.len(), declared.len(), "one row per setting");
    for (row, setting) in rows.iter().zip(declared) {
        let flag = format!("`--{}`", setting.key.replace('_', "-"));
        assert_eq!(
            (row[1], row[2]),
            (flag.as_str(), format!("`{}`", setting.env).as_str())
        );
        if let Some(default) = setting.default {
            assert_eq!(row[3], format!("`{default}`"), "default of {flag}");
        }
    }
}

#[test]
fn replicas_and_redis_are_checked_and_never_shown() {
    let settings = RawSettings {
        database_url: Some("postgres://ampli:hunter2@db/ampli".into()),
        database_replica_url: Some(
            "postgres://ampli:hunter3@r1/ampli, postgres://ampli:hunter4@r2/ampli".into(),
        ),
        redis_url: Some("redis://:hunter5@cache:6379/".into()),
        replica_max_lag: Some("2s".into()),
        ..raw()
    };
    let config = Config::from_raw(&settings).unwrap();
    assert_eq!(config.database_replica_urls.len(), 2);
    assert_eq!(config.replica_max_lag, Duration::from_secs(2));
    let shown = format!("{config:?} {settings:?}");
    for secret in ["hunter2", "hunter3", "hunter4", "hunter5"] {
        assert!(!shown.contains(secret), "{shown}");
    }

    let without_primary = RawSettings {
        database_replica_url: Some("postgres://ampli@r1/ampli".into()),
        ..raw()
    };
    let error = Config::from_raw(&without_primary).unwrap_err().to_string();
    assert!(error.contains("AMPLI_DATABASE_REPLICA_URLS"), "{error}");
    let not_redis = RawSettings {
        redis_url: Some("http://:hunter5@cache/".into()),
        ..raw()
    };
    let error = Config::from_raw(&not_redis).unwrap_err().to_string();
    assert!(
        error.contains("AMPLI_REDIS_URL") && !error.contains("hunter5"),
        "{error}"
    );
}
