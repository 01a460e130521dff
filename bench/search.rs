//! Benchmark: search over a generated million-song catalog, beside a plain `ILIKE '%q%'`
//! baseline, in one run: p50/p95/p99 latency of `GET /search` for typo, prefix and exact
//! queries at a steady request rate, and recall at 10 over misspelled known titles.
//!
//!   cargo bench --bench search                  (1,000,000 songs, 200,000 artists, 100,000 users)
//!   BENCH_QUICK=1 cargo bench --bench search    (50,000 songs)

mod common;

use std::time::{Duration, Instant};

use common::{BenchApp, Client, summary};
use uuid::Uuid;

/// Requests per second while measuring latency.
const RATE: u64 = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = BenchApp::start("search", |_| {}).await?;
    let result = run(&app).await;
    app.finish().await?;
    result
}

async fn run(app: &BenchApp) -> anyhow::Result<()> {
    let quick = common::quick();
    let (songs, artists, users) = if quick {
        (50_000, 10_000, 5_000)
    } else {
        (1_000_000, 200_000, 100_000)
    };
    let token = app.user("bench").await;
    let started = Instant::now();
    generate(app, songs, artists, users).await?;
    let (trigrams, titles): (i64, i64) = sqlx::query_as(
        "select (select count(distinct t) from (select unnest(show_trgm(searchtext)) t from songs
                 union all select unnest(show_trgm(ampli_normalize(name))) from users) x),
                (select count(distinct title) from songs)",
    )
    .fetch_one(&app.state.db)
    .await?;
    println!(
        "generated {songs} songs, {artists} artists, {users} users in {:.0} s ({titles} distinct titles; {trigrams} distinct trigrams in songs' text and users' names)\n",
        started.elapsed().as_secs_f64()
    );

    // Known songs: every n-th, with their titles.
    let known: Vec<(Uuid, String)> = sqlx::query_as(
        "select songid, title from songs where songid in (select songid from songs order by songid limit 200000)
          order by songid limit 250",
    )
    .fetch_all(&app.state.db)
    .await?;
    let exact: Vec<String> = known.iter().take(100).map(|(_, t)| t.clone()).collect();
    let prefixes: Vec<String> = known
        .iter()
        .take(100)
        .map(|(_, t)| t.chars().take(5).collect())
        .collect();
    let typos: Vec<String> = known
        .iter()
        .enumerate()
        .map(|(i, (_, t))| misspell(t, 1 + i % 2))
        .collect();

    let mut client = Client::connect(app.address).await;
    println!(
        "latency at {RATE} requests/s                  GET /search (songs)                               ILIKE '%q%' baseline"
    );
    for (name, queries) in [
        ("exact", &exact),
        ("prefix", &prefixes),
        ("typo (1-2 edits)", &typos),
    ] {
        let period = Duration::from_millis(1000 / RATE);
        let (mut ours, mut baseline) = (Vec::new(), Vec::new());
        let mut next = Instant::now();
        for query in queries.iter() {
            tokio::time::sleep_until(next.into()).await;
            next += period;
            let uri = format!("/api/v1/search?type=songs&limit=10&q={}", encode(query));
            let started = Instant::now();
            let (status, _) = client.send("GET", &uri, Some(&token), "", b"").await;
            assert_eq!(status, 200);
            ours.push(started.elapsed());
        }
        for query in queries.iter() {
            tokio::time::sleep_until(next.into()).await;
            next += period;
            let started = Instant::now();
            let _: Vec<(Uuid,)> = sqlx::query_as(
                "select songid from songs where title ilike '%' || $1 || '%' limit 10",
            )
            .bind(query)
            .fetch_all(&app.state.db)
            .await?;
            baseline.push(started.elapsed());
        }
        println!("  {name:<18} {:<52} {}", summary(ours), summary(baseline));
    }

    // Recall at 10 over misspelled titles: a hit when a song with the intended title is in the
    // first ten (titles repeat in a large catalog).
    let (mut ours_hits, mut baseline_hits) = (0, 0);
    for ((_, title), typo) in known.iter().zip(&typos) {
        let uri = format!("/api/v1/search?type=songs&limit=10&q={}", encode(typo));
        let (_, body) = client.send("GET", &uri, Some(&token), "", b"").await;
        let found: serde_json::Value = serde_json::from_slice(&body)?;
        if found["songs"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["title"] == title.as_str()))
        {
            ours_hits += 1;
        }
        let rows: Vec<(String,)> =
            sqlx::query_as("select title from songs where title ilike '%' || $1 || '%' limit 10")
                .bind(typo)
                .fetch_all(&app.state.db)
                .await?;
        if rows.iter().any(|(t,)| t == title) {
            baseline_hits += 1;
        }
    }
    let n = known.len() as f64;
    println!(
        "\nrecall at 10 over {} misspelled known titles: GET /search {:.3}   ILIKE baseline {:.3}",
        known.len(),
        ours_hits as f64 / n,
        baseline_hits as f64 / n
    );
    Ok(())
}

fn encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// `edits` deterministic typos: a dropped, doubled or swapped letter.
fn misspell(title: &str, edits: usize) -> String {
    let mut chars: Vec<char> = title.chars().collect();
    for edit in 0..edits {
        let letters: Vec<usize> = (0..chars.len())
            .filter(|&i| chars[i].is_alphabetic())
            .collect();
        if letters.len() < 4 {
            break;
        }
        let at = letters[(title.len() * 7 + edit * 13) % letters.len()];
        match (title.len() + edit) % 3 {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            _ if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => {
                chars.remove(at);
            }
        }
    }
    chars.into_iter().collect()
}

/// A varied catalog in several languages: titles mix real words (with accents) and made-up
/// ones from syllables; popularity follows a Zipf-like curve. Loaded set-based: the search
/// triggers and the large tables' secondary indexes are set aside during the load (one
/// `UPDATE` per credited song would take minutes), the search text is computed in one
/// aggregated join, and the indexes are built afterwards in one pass each.
async fn generate(app: &BenchApp, songs: i64, artists: i64, users: i64) -> anyhow::Result<()> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = 'public' and i.tablename in ('songs', 'artistsongs', 'artists', 'users')
            and not exists (select 1 from pg_constraint c where c.conname = i.indexname)",
    )
    .fetch_all(&app.state.db)
    .await?;
    let drop_indexes: String = indexes
        .iter()
        .map(|(name, _)| format!("drop index {name};\n"))
        .collect();
    let create_indexes: String = indexes
        .iter()
        .map(|(_, definition)| format!("{definition};\n"))
        .collect();
    let script = format!(
        "set maintenance_work_mem = '1GB';
         set max_parallel_maintenance_workers = 2;
         create function pg_temp.syllable(m bigint) returns text language sql immutable as $$
           select c[1 + (m % 40)::int] || v[1 + ((m / 40) % 18)::int] || k[1 + ((m / 720) % 22)::int]
             from (select array['k','l','m','r','s','ñ','t','b','z','v','d','g','p','sh','n','f','x','h','qu','w','tr','bl','st','ch','j','y','kr','dr','pl','gr','fl','sv','zh','kh','ts','pr','sl','sn','c','th'] as c,
                          array['a','e','i','o','u','é','ü','ö','ä','ë','y','ai','ou','ó','å','ie','ea','oo'] as v,
                          array['','','','n','r','l','s','k','m','nd','st','x','rt','lk','ng','sk','ph','th','z','ck','1','7'] as k) c
         $$;
         -- A made-up name: mostly two or three syllables, spread by a hash so neighbours
         -- differ; one in four a run of letters and digits (think of band names), which is
         -- what gives the catalog tens of thousands of distinct trigrams.
         create function pg_temp.pseudo(n bigint) returns text language sql immutable as $$
           select case when abs(hashint8extended(n, 5)) % 4 = 0
             then initcap((select string_agg(substr('abcdefghijklmnopqrstuvwxyz0123456789',
                                  1 + get_byte(decode(md5(n::text), 'hex'), i) % 36, 1), '' order by i)
                             from generate_series(0, 3 + (n % 6)::int) i))
             else initcap(pg_temp.syllable(abs(hashint8extended(n, 1))) || pg_temp.syllable(abs(hashint8extended(n, 2)))
                  || case when abs(hashint8extended(n, 3)) % 3 = 0 then pg_temp.syllable(abs(hashint8extended(n, 4))) else '' end)
             end
         $$;
         create function pg_temp.word(n bigint) returns text language sql immutable as $$
           select w[1 + (n % 68)::int] from (select array['yellow','submarine','midnight','train','blue','monday','corazón','canción','été','noir','liebe','straße','saudade','coração','amor','night','fire','rain','dream','ciudad','lumière','herz','sonne','mañana','noche','río','fleur','mädchen','über','paixão','river','heart','love','golden','silver','wild','lonely','dancing','forever','summer','winter','rêve','fenêtre','schön','tränen','luz','sombra','fuego','ocean','city','lights','zomer','regen','hjärta','kärlek','sogno','notte','stella','cuore','mare','vento','ventana','camino','estrella','whisper','thunder','velvet','echo'] as w) c
         $$;
         alter table songs disable trigger user;
         alter table artistsongs disable trigger user;
         {drop_indexes}
         insert into users (userid, name, email, password)
         select md5(n::text)::uuid, pg_temp.pseudo(n * 7) || ' ' || pg_temp.pseudo(n * 13 + 5), 'u' || n || '@gen.test', 'x'
           from generate_series(1, {users}) n;
         insert into artists (artistid, name)
         select md5('a' || n)::uuid, pg_temp.pseudo(n * 11 + 3) || case when n % 3 = 0 then ' ' || pg_temp.pseudo(n * 17 + 1) else '' end
           from generate_series(1, {artists}) n;
         create temporary table generated on commit drop as
         select gen_random_uuid() as songid,
                initcap(pg_temp.word(k)) || ' ' || pg_temp.pseudo(k * 31 + 7)
                  || case when k % 2 = 0 then ' ' || pg_temp.word(k / 68) else '' end as title,
                md5((1 + k % {users})::text)::uuid as ownerid,
                md5('a' || (1 + (abs(hashtext(k::text)) % {artists})))::uuid as artistid,
                (1000000 / (1 + k % 5000))::bigint as playcount
           from generate_series(1, {songs}) k;
         insert into songs (songid, title, fileurl, filepublicid, ownerid, category, playcount, searchtext)
         select g.songid, g.title, 'f', 'k', g.ownerid, 'Music', g.playcount, ampli_normalize(g.title || ' ' || a.name)
           from generated g join artists a on a.artistid = g.artistid;
         insert into artistsongs (artistid, songid, role)
         select artistid, songid, 'Primary' from generated;
         {create_indexes}
         -- The vocabulary's triggers were off with the others: count the words in one pass.
         insert into searchvocabulary (word, songs)
         select word, ndoc from ts_stat('select searchvector from songs')
         on conflict (word) do update set songs = excluded.songs;
         alter table songs enable trigger user;
         alter table artistsongs enable trigger user;"
    );
    // One transaction, so the temporary table lives exactly as long as the load.
    let mut tx = app.state.db.begin().await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sqlx::raw_sql("vacuum analyze songs, artistsongs, artists, users, searchvocabulary")
        .execute(&app.state.db)
        .await?;
    Ok(())
}
