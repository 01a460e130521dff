//! The instance registry's SQL (the Instances table of migration 17).

use std::time::Duration;

use serde::Serialize;
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use utoipa::ToSchema;
use uuid::Uuid;

/// One running instance, as listed.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    #[sqlx(rename = "instanceid")]
    pub id: Uuid,
    pub host: String,
    /// Used to tell a dead instance of this host from a live one; not shown.
    #[serde(skip)]
    pub pid: i32,
    pub address: String,
    pub version: String,
    /// Media on object storage and shared state in Redis.
    pub shareable: bool,
    #[sqlx(rename = "startedat")]
    pub started_at: chrono::DateTime<chrono::Utc>,
    #[sqlx(rename = "heartbeatat")]
    pub heartbeat_at: chrono::DateTime<chrono::Utc>,
}

/// The row an instance writes about itself.
pub struct Registration<'a> {
    pub id: Uuid,
    pub host: &'a str,
    pub pid: i32,
    pub address: &'a str,
    pub version: &'a str,
    pub shareable: bool,
}

/// Removes instances silent for `gone_after`, and those of `host` whose processes are
/// `dead_pids` (they died without signing off).
pub async fn forget_gone(
    tx: &mut Transaction<'_, Postgres>,
    gone_after: Duration,
    host: &str,
    dead_pids: &[i32],
) -> sqlx::Result<()> {
    sqlx::query(
        "delete from instances
          where heartbeatat < now() - make_interval(secs => $1)
             or (host = $2 and pid = any($3))",
    )
    .bind(gone_after.as_secs_f64())
    .bind(host)
    .bind(dead_pids)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The instances heard from within `gone_after`, oldest first.
pub async fn live<'e>(
    db: impl PgExecutor<'e>,
    gone_after: Duration,
) -> sqlx::Result<Vec<InstanceView>> {
    sqlx::query_as(
        "select instanceid, host, pid, address, version, shareable, startedat, heartbeatat
           from instances
          where heartbeatat >= now() - make_interval(secs => $1)
          order by startedat, instanceid",
    )
    .bind(gone_after.as_secs_f64())
    .fetch_all(db)
    .await
}

pub async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    instance: &Registration<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into instances (instanceid, host, pid, address, version, shareable)
         values ($1, $2, $6, $3, $4, $5)",
    )
    .bind(instance.id)
    .bind(instance.host)
    .bind(instance.address)
    .bind(instance.version)
    .bind(instance.shareable)
    .bind(instance.pid)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a heartbeat; registers the instance again should another have removed it as gone
/// (this one stalled for longer than the bound).
pub async fn beat(db: &PgPool, instance: &Registration<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "insert into instances (instanceid, host, pid, address, version, shareable)
         values ($1, $2, $6, $3, $4, $5)
         on conflict (instanceid) do update set heartbeatat = now()",
    )
    .bind(instance.id)
    .bind(instance.host)
    .bind(instance.address)
    .bind(instance.version)
    .bind(instance.shareable)
    .bind(instance.pid)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove(db: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from instances where instanceid = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
