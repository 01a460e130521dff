//! Search: typos, accents, prefixes, word order, artists' names, popularity, privacy, bad input.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::songs::{uploaded_song, uploaded_song_with};

/// A plan reads `index` and never a whole table.
fn assert_index_backed(plan: &str, index: &str, what: &str) {
    assert!(!plan.contains("Seq Scan"), "{what}: {plan}");
    assert!(plan.contains(index), "{what}: {index} in {plan}");
}

fn song_titles(results: &Value) -> Vec<String> {
    results["songs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(app: &TestApp, query: &str) -> Value {
    let encoded: String = query.bytes().map(|b| format!("%{b:02X}")).collect();
    let response = app.get(&format!("/api/v1/search?q={encoded}")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn typos_accents_prefixes_word_order_and_artist_names_all_find_songs() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("sam").await;
    let beatles = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "The Beatles"})),
        )
        .await
        .json();
    let beyonce = app
        .call(
            Method::POST,
            "/api/v1/artists",
            Some(&me.access),
            Some(json!({"name": "Beyoncé"})),
        )
        .await
        .json();
    let submarine = uploaded_song(&app, &me.access, "Yellow Submarine").await;
    let halo = uploaded_song(&app, &me.access, "Halo").await;
    uploaded_song(&app, &me.access, "Blue Monday").await;
    for (song, artist) in [(&submarine, &beatles), (&halo, &beyonce)] {
        let credit = format!(
            "/api/v1/songs/{}/artists/{}",
            song["id"].as_str().unwrap(),
            artist["id"].as_str().unwrap()
        );
        app.call(
            Method::PUT,
            &credit,
            Some(&me.access),
            Some(json!({"role": "Primary"})),
        )
        .await;
    }

    assert_eq!(
        song_titles(&search(&app, "beetles yelow submarin").await)[0],
        "Yellow Submarine",
        "typos"
    );
    assert_eq!(
        song_titles(&search(&app, "yell").await)[0],
        "Yellow Submarine",
        "prefix as you type"
    );
    assert_eq!(
        song_titles(&search(&app, "submarine yellow").await)[0],
        "Yellow Submarine",
        "word order"
    );
    assert_eq!(
        song_titles(&search(&app, "beyonce").await)[0],
        "Halo",
        "accents, via the artist's name"
    );
    assert_eq!(song_titles(&search(&app, "HALO").await)[0], "Halo", "case");
    let artists = search(&app, "beyonce").await["artists"].clone();
    assert_eq!(artists[0]["name"], "Beyoncé");
    let users = search(&app, "sam").await["users"].clone();
    assert_eq!(users[0]["name"], "sam");
    assert!(song_titles(&search(&app, "zzzqqq").await).is_empty());
}

#[tokio::test]
async fn albums_are_found_by_a_misspelled_title_and_songs_by_their_album() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("alba").await;
    let on_album = [("album", "Midnight Voyage"), ("albumArtist", "Nora Lune")];
    let opener = uploaded_song_with(&app, &me.access, "Harbour Lights", &on_album).await;
    uploaded_song_with(&app, &me.access, "Open Water", &on_album).await;
    uploaded_song_with(
        &app,
        &me.access,
        "Dust",
        &[("album", "Desert Songs"), ("albumArtist", "Nora Lune")],
    )
    .await;
    uploaded_song(&app, &me.access, "Midnight Snack").await;
    let album_titles = |results: &Value| -> Vec<String> {
        results["albums"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let get = |query: &'static str| {
        let app = &app;
        async move {
            let response = app.get(&format!("/api/v1/search?{query}")).await;
            assert_eq!(response.status, 200, "{}", response.text());
            response.json()
        }
    };

    let found = get("q=midnite%20voyag&type=albums").await;
    assert_eq!(album_titles(&found), ["Midnight Voyage"], "typos");
    assert!(found.get("songs").is_none(), "only the kinds asked for");
    let album = &found["albums"][0];
    assert_eq!(album["id"], opener["album"]["id"]);
    assert_eq!(album["songCount"], 2);
    assert_eq!(album["artists"][0]["name"], "Nora Lune");
    assert_eq!(
        album_titles(&get("q=desrt&type=albums").await),
        ["Desert Songs"],
        "one misspelled word"
    );
    let mut by_artist = album_titles(&get("q=nora%20lune&type=albums").await);
    by_artist.sort();
    assert_eq!(
        by_artist,
        ["Desert Songs", "Midnight Voyage"],
        "album artist"
    );

    // Songs by their album's title: both of the album's songs, not the song merely sharing a word.
    let songs = song_titles(&get("q=midnight%20voyage&type=songs").await);
    let mut first_two = songs[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, ["Harbour Lights", "Open Water"], "{songs:?}");
    // A renamed album takes its songs' words with it.
    app.call(
        Method::PATCH,
        &format!("/api/v1/albums/{}", opener["album"]["id"].as_str().unwrap()),
        Some(&me.access),
        Some(json!({"title": "Northern Tide"})),
    )
    .await;
    assert_eq!(
        song_titles(&get("q=northern%20tide&type=songs").await).len(),
        2
    );
    assert_eq!(
        album_titles(&get("q=northen&type=albums").await),
        ["Northern Tide"]
    );
    assert!(album_titles(&get("q=midnight%20voyage&type=albums").await).is_empty());
}

#[tokio::test]
async fn among_equal_matches_the_popular_song_comes_first() {
    let app = TestApp::new().await;
    let (_, me) = app.verified_user("pop").await;
    let quiet = uploaded_song(&app, &me.access, "Midnight Train").await;
    let loved = uploaded_song(&app, &me.access, "Midnight Train").await;
    sqlx::query("update songs set playcount = 5000 where songid = $1")
        .bind(uuid::Uuid::parse_str(loved["id"].as_str().unwrap()).unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let found = search(&app, "midnight train").await;
    assert_eq!(found["songs"][0]["id"], loved["id"]);
    assert_eq!(found["songs"][1]["id"], quiet["id"]);
}

#[tokio::test]
async fn private_playlists_are_found_by_their_owner_only() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("own").await;
    let (_, other) = app.verified_user("oth").await;
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&owner.access),
        Some(json!({"title": "Secret Garden", "visibility": "private"})),
    )
    .await;
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&owner.access),
        Some(json!({"title": "Secret Beach"})),
    )
    .await;
    let by = |token: Option<String>| {
        let app = &app;
        async move {
            app.call(
                Method::GET,
                "/api/v1/search?q=secret&type=playlists",
                token.as_deref(),
                None,
            )
            .await
            .json()["playlists"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let mut mine = by(Some(owner.access.clone())).await;
    mine.sort();
    assert_eq!(mine, ["Secret Beach", "Secret Garden"]);
    assert_eq!(by(Some(other.access.clone())).await, ["Secret Beach"]);
    assert_eq!(by(None).await, ["Secret Beach"]);
}

#[tokio::test]
async fn bad_queries_get_a_stable_code_or_a_clamped_answer() {
    let app = TestApp::new().await;
    app.get("/api/v1/search")
        .await
        .assert_problem(400, "query_empty");
    app.get("/api/v1/search?q=%20%20%20")
        .await
        .assert_problem(400, "query_empty");
    app.get("/api/v1/search?q=%01%02")
        .await
        .assert_problem(400, "query_empty");
    app.get(&format!("/api/v1/search?q={}", "a".repeat(10_000)))
        .await
        .assert_problem(400, "query_too_long");
    app.get("/api/v1/search?q=x&type=records")
        .await
        .assert_problem(400, "unknown_type");
    for q in ["%25", "_", "%27%22", "%5C", "%F0%9F%8E%B5", "100%25%20_off"] {
        let response = app.get(&format!("/api/v1/search?q={q}&limit=10000")).await;
        assert_eq!(response.status, 200, "{q}: {}", response.text());
    }
    let limited = app.get("/api/v1/search?q=x&limit=0&type=songs").await;
    assert_eq!(limited.status, 200);
}

/// The plans of the statements the route runs, on tables large enough for the planner to
/// prefer an index: every branch is an index scan, never a sequential scan.
#[tokio::test]
async fn every_search_statement_is_served_by_an_index() {
    use ampli::search::store::{songs, sql};
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    sqlx::raw_sql(
        "insert into users (name, email, password)
           select 'listener ' || md5(n::text), 'l' || n || '@plan.test', 'x' from generate_series(1, 20000) n;
         insert into artists (name) select 'artist ' || md5(n::text) from generate_series(1, 20000) n;
         insert into songs (title, fileurl, filepublicid, ownerid)
           select 'song ' || md5(n::text), 'f', 'k', (select userid from users limit 1) from generate_series(1, 30000) n;
         insert into playlists (title, ownerid, visibility)
           select 'mix ' || md5(n::text), (select userid from users limit 1), 'public' from generate_series(1, 20000) n;
         insert into albums (title, matchkey, ownerid)
           select 'record ' || md5(n::text), md5(n::text), (select userid from users limit 1) from generate_series(1, 20000) n;
         -- A vocabulary of a large catalog's size (its words come from songs' titles otherwise).
         insert into searchvocabulary (word, songs)
           select substr(md5(n::text), 1, 4 + n % 6), 1 + n % 50 from generate_series(1, 300000) n
           on conflict do nothing;
         analyze users, artists, songs, playlists, albums, searchalbums, searchvocabulary;",
    )
    .execute(pool)
    .await
    .unwrap();
    /// The plan of `statement` with these parameters, in a transaction with the thresholds.
    enum Param {
        Text(&'static str),
        Maybe(Option<&'static str>),
        Limit,
        Viewer,
    }
    let explain = |statement: String, params: Vec<Param>| async move {
        let mut tx = pool.begin().await.unwrap();
        sqlx::raw_sql(sql::THRESHOLDS)
            .execute(&mut *tx)
            .await
            .unwrap();
        let mut explain = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("explain {statement}")));
        for param in params {
            explain = match param {
                Param::Text(text) => explain.bind(text),
                Param::Maybe(text) => explain.bind(text),
                Param::Limit => explain.bind(10_i64),
                Param::Viewer => explain.bind(uuid::Uuid::new_v4()),
            };
        }
        let lines: Vec<String> = explain.fetch_all(&mut *tx).await.unwrap();
        lines.join("\n")
    };
    for query in ["yelow submarin", "yell", "beyonce"] {
        let plan = explain(songs::ANALYSE.to_owned(), vec![Param::Text(query)]).await;
        for index in ["idx_search_vocabulary_trgm", "searchvocabulary_pkey"] {
            assert_index_backed(&plan, index, query);
        }
    }
    // Names and titles by the tsquery a query's words make: a typo's spellings, a prefix.
    for tsquery in [
        "('yelow' | 'yellow') & ('submarin':*)",
        "('y':*)",
        "('beyonce')",
    ] {
        for (table, id, index) in [
            ("artists", "artistid", "idx_artists_search_words"),
            ("users", "userid", "idx_users_search_words"),
        ] {
            let plan = explain(
                sql::named(table, id),
                vec![Param::Text(tsquery), Param::Text("yell"), Param::Limit],
            )
            .await;
            assert_index_backed(&plan, index, tsquery);
        }
        let plan = explain(
            sql::playlists(),
            vec![
                Param::Text(tsquery),
                Param::Text("yell"),
                Param::Limit,
                Param::Viewer,
            ],
        )
        .await;
        assert_index_backed(&plan, "idx_playlists_search_words", tsquery);
    }
    // Songs by their words and a word start (migration 20's SearchStarts), in the order few
    // expected matches are read in: every match from the word index.
    sqlx::raw_sql("vacuum analyze songs")
        .execute(pool)
        .await
        .unwrap();
    for (words, start) in [
        (Some("('song')"), Some("('a')")),
        (None, Some("('ab')")),
        (Some("('yelow' | 'yellow')"), None),
    ] {
        let tsquery = songs::TsQuery {
            words: words.map(str::to_owned),
            start: start.map(str::to_owned),
            whole: String::new(),
            expected: 10,
        };
        let params = vec![
            Param::Maybe(words),
            Param::Text("song a"),
            Param::Text("song a"),
            Param::Limit,
            Param::Maybe(start),
        ];
        let plan = explain(songs::ranked(&tsquery), params).await;
        assert_index_backed(
            &plan,
            "idx_songs_search_words",
            &format!("{words:?} {start:?}"),
        );
    }
    // GIN's pending list is merged by vacuum, as autovacuum does on a live catalog.
    sqlx::raw_sql("vacuum analyze searchalbums")
        .execute(pool)
        .await
        .unwrap();
    // Albums: the tsquery a query's words make ($1), its text, LIKE literal and limit.
    for (tsquery, text) in [
        ("('yelow' | 'yellow') & ('submarin':*)", "yelow submarin"),
        ("('abcdef':*)", "abcdef"),
    ] {
        let params = vec![
            Param::Text(tsquery),
            Param::Text(text),
            Param::Text(text),
            Param::Limit,
        ];
        let plan = explain(sql::albums(), params).await;
        assert_index_backed(&plan, "idx_search_albums_vector", text);
    }
}

/// Ampli's sessions run without JIT compilation: a search whose estimated cost passed
/// `jit_above_cost` paid 20-25 ms of compiling on every request.
#[tokio::test]
async fn ampli_sessions_never_compile_statements() {
    let app = TestApp::new().await;
    let config = crate::support::app::config_in(app.data_dir.path(), |raw| {
        raw.database_url = Some(app.db.url());
    });
    let database = ampli::db::Database::open(&config).await.unwrap();
    let jit: String = sqlx::query_scalar("select current_setting('jit')")
        .fetch_one(&database.pool)
        .await
        .unwrap();
    assert_eq!(jit, "off");
    let ours: String = sqlx::query_scalar("select current_setting('jit')")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(ours, "on", "the server's own default is left alone");
    database.close().await.unwrap();
}

/// Typo spellings are looked up only where a typo is likely: never for a word many songs hold
/// nor for a last word that begins words of the catalog (it is being typed); strictly (one
/// typo) for a rare word the catalog knows, loosely for one it does not.
#[tokio::test]
async fn typo_spellings_only_where_a_typo_is_likely() {
    use ampli::search::store::{songs, sql};
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    sqlx::raw_sql(
        "insert into searchvocabulary (word, songs) values
           ('halo', 30), ('hallo', 5), ('yellow', 50), ('yelow', 2), ('yellowstone', 1),
           ('submarine', 40), ('submarines', 3);",
    )
    .execute(pool)
    .await
    .unwrap();
    let spellings = |text: &'static str| async move {
        let mut tx = pool.begin().await.unwrap();
        sqlx::raw_sql(sql::THRESHOLDS)
            .execute(&mut *tx)
            .await
            .unwrap();
        let rows: Vec<(String, Vec<String>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select word, spellings from ({}) a",
            songs::ANALYSE
        )))
        .bind(text)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
        rows
    };
    let words = |rows: Vec<(String, Vec<String>)>| -> Vec<Vec<String>> {
        rows.into_iter().map(|(_, spellings)| spellings).collect()
    };
    // Being typed: "hal" begins "halo" and "hallo".
    assert_eq!(words(spellings("hal").await), [Vec::<String>::new()]);
    // Known to nothing, begins nothing: loosely.
    assert!(words(spellings("halx").await)[0].contains(&"halo".to_owned()));
    // A rare word the catalog knows, not last: one typo away only.
    let rare = words(spellings("yelow submarine").await);
    assert!(rare[0].contains(&"yellow".to_owned()), "{rare:?}");
    assert!(!rare[0].contains(&"yellowstone".to_owned()), "{rare:?}");
    // A word many songs hold is spelled as the catalog spells it.
    assert_eq!(words(spellings("yellow").await)[0], Vec::<String>::new());
    // Last and complete ("submarine" begins "submarines"): no spellings either.
    assert_eq!(words(spellings("submarine").await)[0], Vec::<String>::new());
}

/// The caller's own playlists are always among the candidates ranked, however many public
/// ones match first.
#[tokio::test]
async fn own_playlists_are_found_among_many_public_ones() {
    let app = TestApp::new().await;
    let (_, owner) = app.verified_user("own").await;
    let (_, other) = app.verified_user("oth").await;
    let other_id: uuid::Uuid = sqlx::query_scalar("select userid from users where name = 'oth'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // 150 public ones made before it (a cut to the first hundred found would miss it).
    sqlx::query(
        "insert into playlists (title, ownerid, visibility)
         select 'Secret Mix ' || n, $1, 'public' from generate_series(1, 150) n",
    )
    .bind(other_id)
    .execute(&app.db.pool)
    .await
    .unwrap();
    app.call(
        Method::POST,
        "/api/v1/playlists",
        Some(&owner.access),
        Some(json!({"title": "Secret", "visibility": "private"})),
    )
    .await;
    let found = |token: String| {
        let app = &app;
        async move {
            app.call(
                Method::GET,
                "/api/v1/search?q=secret&type=playlists",
                Some(&token),
                None,
            )
            .await
            .json()["playlists"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found(owner.access.clone()).await[0], "Secret");
    let theirs = found(other.access.clone()).await;
    assert_eq!(theirs.len(), 10);
    assert!(!theirs.contains(&"Secret".to_owned()));
}
