//! `ampli admin …`: operator tasks on accounts, run against the same database as the server
//! (attaching to a running private cluster when there is one).

use std::io::BufRead;

use anyhow::{Context, bail};

use crate::accounts::fields::{DisplayName, EmailAddress, NewPassword};
use crate::accounts::passwords::hash_raw;
use crate::accounts::store::{sessions, users};
use crate::cli::AdminCommand;
use crate::config::Config;
use crate::db::{self, Database};

pub async fn run(command: AdminCommand, config: Config) -> anyhow::Result<()> {
    let database = Database::open_for_tool(&config).await?;
    db::migrate(&database.pool).await?;
    let result = execute(command, &database, &config).await;
    database.close().await?;
    result
}

async fn execute(
    command: AdminCommand,
    database: &Database,
    config: &Config,
) -> anyhow::Result<()> {
    let pool = &database.pool;
    match command {
        AdminCommand::CreateUser {
            name,
            email,
            verified,
            admin,
        } => {
            let name = DisplayName::parse(&name).map_err(|e| anyhow::anyhow!(e.message))?;
            let email = EmailAddress::parse(&email).map_err(|e| anyhow::anyhow!(e.message))?;
            let hash = read_new_password()?;
            let user = users::create(pool, name.as_str(), email.as_str(), &hash)
                .await
                .map_err(|error| match error {
                    users::CreateError::EmailTaken => {
                        anyhow::anyhow!("an account with the email {} exists", email.as_str())
                    }
                    users::CreateError::Database(error) => error.into(),
                })?;
            if verified {
                users::mark_verified(pool, user.userid).await?;
            }
            if admin {
                users::set_admin(pool, user.userid, true).await?;
            }
            println!("created {} {}", user.userid, user.email);
        }
        AdminCommand::VerifyUser { email } => {
            let user = find(pool, &email).await?;
            users::mark_verified(pool, user.userid).await?;
            println!("verified {}", user.email);
        }
        AdminCommand::SetPassword { email } => {
            let user = find(pool, &email).await?;
            let hash = read_new_password()?;
            let mut tx = pool.begin().await?;
            users::set_password(&mut *tx, user.userid, &hash).await?;
            let ended = sessions::end_all(&mut *tx, user.userid, None).await?;
            tx.commit().await?;
            println!("password set for {}; {ended} session(s) ended", user.email);
        }
        AdminCommand::MakeAdmin { email, revoke } => {
            let user = find(pool, &email).await?;
            users::set_admin(pool, user.userid, !revoke).await?;
            let verb = if revoke { "is no longer" } else { "is now" };
            println!("{} {verb} an administrator", user.email);
        }
        AdminCommand::RefreshPlaylists => {
            if crate::discovery::rebuild::rebuild_all(pool).await? {
                // Running instances keep the lists in memory when they share Redis: tell them.
                let shared = crate::shared::Shared::new(config, pool)?;
                shared
                    .invalidations
                    .invalidate(crate::discovery::LISTS_TOPIC)
                    .await;
                println!("rebuilt the auto-generated playlists");
            } else {
                println!("another instance is rebuilding them right now; nothing done");
            }
        }
        AdminCommand::SweepMedia { grace } => {
            let storage = crate::storage::Storage::from_config(config)?;
            let queued = storage.remove_deleted(pool).await?;
            let orphans = storage.sweep_orphans(pool, grace).await?;
            println!("removed {queued} deleted folder(s) and {orphans} orphan file(s)");
        }
        AdminCommand::Instances => {
            let instances = crate::shared::instances::list(pool).await?;
            println!(
                "{:<36}  {:<21}  {:<10}  {:<9}  {:<25}  last heartbeat",
                "id", "address", "host", "shareable", "started"
            );
            for instance in &instances {
                let ago = (chrono::Utc::now() - instance.heartbeat_at)
                    .num_seconds()
                    .max(0);
                println!(
                    "{:<36}  {:<21}  {:<10}  {:<9}  {:<25}  {ago}s ago",
                    instance.id,
                    instance.address,
                    instance.host,
                    if instance.shareable { "yes" } else { "no" },
                    instance.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                );
            }
            println!("{} instance(s) running", instances.len());
        }
        AdminCommand::ListUsers { limit } => {
            println!(
                "{:<36}  {:<8}  {:<5}  {:<25}  name",
                "id", "verified", "admin", "created"
            );
            for user in users::list(pool, limit.clamp(1, 10_000)).await? {
                println!(
                    "{:<36}  {:<8}  {:<5}  {:<25}  {} <{}>",
                    user.userid,
                    if user.is_verified() { "yes" } else { "no" },
                    if user.isadmin { "yes" } else { "no" },
                    user.createdat.format("%Y-%m-%d %H:%M:%S UTC"),
                    user.name,
                    user.email
                );
            }
        }
    }
    Ok(())
}

async fn find(pool: &sqlx::PgPool, email: &str) -> anyhow::Result<users::UserRow> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!(e.message))?;
    match users::find_by_email(pool, &email.lookup_key()).await? {
        Some(user) => Ok(user),
        None => bail!("no account has the email {}", email.as_str()),
    }
}

/// The first line of standard input, checked like any new password, hashed.
fn read_new_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']);
    let password =
        NewPassword::parse(password, "password").map_err(|e| anyhow::anyhow!(e.message))?;
    hash_raw(password.expose())
}
