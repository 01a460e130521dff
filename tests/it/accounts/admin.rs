//! `ampli admin …` against a real database.

use std::io::Write;
use std::process::Stdio;

use crate::support::TestDb;
use crate::support::process::ampli;

fn admin(db: &TestDb, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = ampli()
        .arg("admin")
        .args(args)
        .env("DATABASE_URL", db.url())
        .env("AMPLI_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn operators_create_verify_promote_list_and_reset_accounts() {
    let db = TestDb::migrated().await;
    let (ok, out, err) = admin(
        &db,
        &[
            "create-user",
            "--name",
            "Root Operator",
            "--email",
            "ops@example.test",
        ],
        "an operator's long password\n",
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("created "), "{out}");

    let (ok, _, err) = admin(
        &db,
        &["create-user", "--name", "X", "--email", "OPS@example.test"],
        "another long password\n",
    );
    assert!(!ok && err.contains("exists"), "{err}");
    let (ok, _, err) = admin(
        &db,
        &["create-user", "--name", "Y", "--email", "y@example.test"],
        "password1234\n",
    );
    assert!(!ok && err.contains("common"), "{err}");

    assert!(admin(&db, &["verify-user", "ops@example.test"], "").0);
    assert!(admin(&db, &["make-admin", "ops@example.test"], "").0);
    let (verified, is_admin, hash): (Option<bool>, bool, String) = sqlx::query_as(
        "select verified, isadmin, password from users where email = 'ops@example.test'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((verified, is_admin), (Some(true), true));
    assert!(hash.starts_with("$argon2id$"));

    sqlx::query("insert into usertokens (userid, token) select userid, 'h' from users")
        .execute(&db.pool)
        .await
        .unwrap();
    let (ok, out, err) = admin(
        &db,
        &["set-password", "ops@example.test"],
        "a fresh operator password\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("1 session(s) ended"), "{out}");
    let sessions: i64 = sqlx::query_scalar("select count(*) from usertokens")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);

    let (ok, out, _) = admin(&db, &["list-users"], "");
    assert!(ok);
    assert!(
        out.contains("Root Operator <ops@example.test>") && out.contains("yes"),
        "{out}"
    );
    assert!(admin(&db, &["make-admin", "--revoke", "ops@example.test"], "").0);
    let (ok, _, err) = admin(&db, &["verify-user", "nobody@example.test"], "");
    assert!(!ok && err.contains("no account"), "{err}");
}
