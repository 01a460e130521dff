//! All of the social capability's SQL, and the rows it answers. UserFollowers is its own
//! table. A page of people joins the users they are for their names, in the same query, as
//! accounts has no batch lookup to ask; the profile figures read the seed's UserStats view, as
//! they always have.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

/// Which side of UserFollowers a page lists.
#[derive(Debug, Clone, Copy)]
pub enum Side {
    /// Who follows the user.
    Followers,
    /// Whom the user follows.
    Following,
}

/// Where a page of people ended: when they followed, and who.
pub type PeopleCursor = (DateTime<Utc>, Uuid);

#[derive(Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    pub id: Uuid,
    pub name: String,
    pub avatar_url: Option<String>,
    pub since: DateTime<Utc>,
}

pub async fn follow(db: &PgPool, follower: Uuid, followed: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "insert into userfollowers (followerid, followingid) values ($1, $2)
         on conflict do nothing",
    )
    .bind(follower)
    .bind(followed)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unfollow(db: &PgPool, follower: Uuid, followed: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from userfollowers where followerid = $1 and followingid = $2")
        .bind(follower)
        .bind(followed)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn follows(db: &PgPool, follower: Uuid, followed: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from userfollowers where followerid = $1 and followingid = $2)",
    )
    .bind(follower)
    .bind(followed)
    .fetch_one(db)
    .await
}

/// People on one `side` of `user`, most recent first, after `after` (since, id).
pub async fn people(
    db: &PgPool,
    user: Uuid,
    side: Side,
    after: Option<PeopleCursor>,
    limit: i64,
) -> sqlx::Result<Vec<PersonView>> {
    // Fixed SQL for each side; only values are bound.
    let (mine, theirs) = match side {
        Side::Followers => ("followingid", "followerid"),
        Side::Following => ("followerid", "followingid"),
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select u.userid as id, u.name, u.avatarurl as avatar_url, f.createdat as since
           from userfollowers f join users u on u.userid = f.{theirs}
          where f.{mine} = $1 and ($2::timestamptz is null or (f.createdat, f.{theirs}) < ($2, $3))
          order by f.createdat desc, f.{theirs} desc limit $4"
    )))
    .bind(user)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A user's row of the UserStats view.
#[derive(Debug, sqlx::FromRow)]
pub struct UserStats {
    pub songsuploaded: i64,
    pub favoritescount: i64,
    pub playlistscreated: i64,
    pub followerscount: i64,
    pub followingcount: i64,
}

pub async fn user_stats(db: &PgPool, user: Uuid) -> sqlx::Result<UserStats> {
    sqlx::query_as(
        "select songsuploaded, favoritescount, playlistscreated, followerscount, followingcount
           from userstats where userid = $1",
    )
    .bind(user)
    .fetch_one(db)
    .await
}

/// How many of `user`'s playlists are public: the figure others see. UserStats counts them
/// all, and the library has no count to ask, so this reads its table.
pub async fn public_playlists(db: &PgPool, user: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "select count(*) from playlists where ownerid = $1 and visibility = 'public'",
    )
    .bind(user)
    .fetch_one(db)
    .await
}
