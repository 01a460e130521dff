"""A real Subsonic client library, py-opensonic, driving a running `ampli serve`.

Run by tests/it/subsonic/client.rs with one argument: a JSON file naming the server's port,
the listener's email, app password, account password and access token, and the ids of what
the Rust side uploaded. Exits non-zero, with the failed check, when anything is off.
"""

import asyncio
import hashlib
import time
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from libopensonic import Connection, errors

NS = "{http://subsonic.org/restapi}"

with open(sys.argv[1]) as f:
    ctx = json.load(f)
PORT = ctx["port"]
BASE = f"http://127.0.0.1:{PORT}"
EMAIL = ctx["email"]
APP_PASSWORD = ctx["appPassword"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def connect(**kw):
    return Connection("http://127.0.0.1", port=PORT, app_name="ampli-test", **kw)


def expect_error(code, call, *args, **kw):
    """Calls and expects a Subsonic error of `code`."""
    try:
        call(*args, **kw)
    except errors.SonicError as error:
        wanted = errors.getExcByCode(code)
        check(type(error) is wanted, f"{call.__name__}: wanted error {code}, got {error!r}")
        return error
    raise AssertionError(f"{call.__name__} succeeded; wanted error {code}")


def token_params(password=APP_PASSWORD, user=EMAIL):
    salt = "c0ffee42"
    token = hashlib.md5((password + salt).encode()).hexdigest()
    return {"u": user, "t": token, "s": salt, "v": "1.16.1", "c": "ampli-test"}


def raw(method, params, data=None, headers=None):
    """One request by hand: (status, headers, body bytes)."""
    url = f"{BASE}/rest/{method}?" + urllib.parse.urlencode(params, doseq=True)
    body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
    request = urllib.request.Request(url, data=body, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def json_call(method, params, data=None):
    status, headers, body = raw(method, {**params, "f": "json"}, data)
    check(status == 200, f"{method}: HTTP {status}")
    check(headers["Content-Type"].startswith("application/json"), f"{method}: {headers['Content-Type']}")
    return json.loads(body)["subsonic-response"]


def xml_call(method, params):
    status, headers, body = raw(method, params)
    check(status == 200, f"{method} (xml): HTTP {status}")
    check(headers["Content-Type"].startswith("text/xml"), f"{method}: {headers['Content-Type']}")
    root = ET.fromstring(body)  # raises when the XML is not well-formed
    check(root.tag == NS + "subsonic-response", f"{method}: root {root.tag}")
    check(root.get("version") == "1.16.1" and root.get("type") == "ampli", f"{method}: envelope {root.attrib}")
    check(root.get("openSubsonic") == "true" and root.get("serverVersion"), f"{method}: {root.attrib}")
    return root


def read(conn, response):
    """The body of a binary answer of the sync connection."""
    return asyncio.run_coroutine_threadsafe(response.read(), conn._loop).result()


conn = connect(username=EMAIL, password=APP_PASSWORD)
try:
    # The protocol: ping, the extensions (no sign-in needed), every method by POST with a form.
    check(conn.ping(), "ping")
    names = {e.name for e in conn.get_open_subsonic_extensions()}
    for name in ["apiKeyAuthentication", "formPost", "songLyrics", "indexBasedQueue"]:
        check(name in names, f"extension {name} in {names}")
    anonymous = json_call("getOpenSubsonicExtensions", {"v": "1.16.1", "c": "x"})
    check(anonymous["status"] == "ok", f"extensions without sign-in: {anonymous}")
    license = conn.get_license()
    check(license.get("license", {}).get("valid") is True, f"license {license}")

    # Browsing by tags: artists → artist → album → song.
    artists = conn.get_artists()
    everyone = [a for index in artists.index for a in (index.artist or [])]
    drivers = [a for a in everyone if a.name == "The Drivers"]
    check(len(drivers) == 1, f"The Drivers among {[a.name for a in everyone]}")
    artist = conn.get_artist(drivers[0].id)
    album_ids = [a.id for a in artist.album or []]
    check(ctx["albumId"] in album_ids, f"album {ctx['albumId']} in {album_ids}")
    album = conn.get_album(ctx["albumId"])
    titles = [s.title for s in album.song]
    check(titles == ["One", "Two", "Three"], f"track order {titles}")
    check(album.song_count == 3 and album.name == "Long Roads", f"album {album.name} {album.song_count}")
    first = album.song[0]
    check(first.album_id == ctx["albumId"] and first.track == 1, f"song's album {first.album_id}")
    check(first.content_type == "audio/mpeg" and first.suffix == "mp3", f"{first.content_type} {first.suffix}")
    check(first.duration and first.duration >= 1 and first.bit_rate, f"duration {first.duration} bitrate {first.bit_rate}")
    check(first.genres and first.genres[0].name == "Synthwave", f"genres {first.genres}")
    check(any(a.name == "The Drivers" for a in first.artists or []), f"artists {first.artists}")
    song = conn.get_song(first.id)
    check(song.title == "One", "getSong")
    # A song on no album is its own single, which getAlbum resolves.
    single = conn.get_song(ctx["singleId"])
    check(single.album_id and single.album_id.startswith("sg-"), f"single's album {single.album_id}")
    single_album = conn.get_album(single.album_id)
    check([s.id for s in single_album.song] == [ctx["singleId"]], "the single holds its song")
    # By folders too.
    indexes = conn.get_indexes()
    check(any(a.name == "The Drivers" for i in indexes.index for a in (i.artist or [])), "indexes")
    directory = conn.get_music_directory(drivers[0].id)
    check(any(c.id == ctx["albumId"] and c.is_dir for c in directory.child or []), "artist directory")
    check(len(conn.get_music_directory(ctx["albumId"]).child) == 3, "album directory")
    check(any(g.value == "Synthwave" and g.song_count == 3 for g in conn.get_genres()), "genres")
    # (py-opensonic's get_music_folders reads the element as a list, which no server sends.)
    folders = json_call("getMusicFolders", token_params())["musicFolders"]["musicFolder"]
    check([f["id"] for f in folders] == [1], f"one music folder: {folders}")

    # Media: a range of the stream, the original, cover art.
    response = conn.stream(first.id, byte_range="bytes=0-99")
    check(response.status == 206, f"ranged stream status {response.status}")
    check(len(read(conn, response)) == 100, "100 bytes of the stream")
    whole = read(conn, conn.download(first.id))
    check(len(whole) == first.size, f"download {len(whole)} bytes of {first.size}")
    cover = conn.get_cover_art(ctx["albumId"], size=128)
    check(cover.headers["Content-Type"] == "image/jpeg" and len(read(conn, cover)) > 100, "album cover art")
    expect_error(70, conn.get_cover_art, "so-00000000-0000-0000-0000-000000000000")

    # Search: a typo finds the album; an empty query pages through every song to the end.
    found = conn.search3("Long Raods")
    check(any(a.id == ctx["albumId"] for a in found.album or []), f"typo search: {found.album}")
    seen = []
    offset = 0
    while True:
        page = conn.search3('""', artist_count=0, album_count=0, song_count=2, song_offset=offset)
        songs = page.song or []
        if not songs:
            break
        seen.extend(s.id for s in songs)
        offset += 2
        check(offset < 100, "the empty search ends")
    check(len(seen) == len(set(seen)) == ctx["songCount"], f"empty search saw {len(seen)} of {ctx['songCount']}")

    # Stars and ratings.
    conn.star(sids=[first.id], album_ids=[ctx["albumId"]], artist_ids=[drivers[0].id])
    starred = conn.get_starred2()
    check([s.id for s in starred.song or []] == [first.id], f"starred songs {starred.song}")
    check([a.id for a in starred.album or []] == [ctx["albumId"]], "starred albums")
    check([a.id for a in starred.artist or []] == [drivers[0].id], "starred artists")
    check(conn.get_song(first.id).starred, "a starred song says when")
    conn.unstar(sids=[first.id])
    check(not conn.get_starred2().song, "unstarred")
    conn.set_rating(first.id, 4)
    check(conn.get_song(first.id).user_rating == 4, "rating")
    conn.set_rating(ctx["albumId"], 5)
    check(conn.get_album(ctx["albumId"]).user_rating == 5, "album rating")
    # (py-opensonic refuses a 6 itself; by hand, the server does.)
    six = json_call("setRating", {**token_params(), "id": first.id, "rating": 6})
    check(six["status"] == "failed" and six["error"]["code"] == 0, f"rating 6: {six}")
    conn.set_rating(first.id, 0)
    check(conn.get_song(first.id).user_rating is None, "rating cleared")

    # Playlists: create, update (rename, add, remove by index), delete.
    ids = [s.id for s in album.song]
    check(conn.create_playlist(name="Road trip", song_ids=ids[:2]), "created")
    created = [p for p in conn.get_playlists() if p.name == "Road trip"]
    check(len(created) == 1, "the new playlist is listed")
    created = conn.get_playlist(created[0].id)
    check([e.id for e in created.entry] == ids[:2], "created playlist")
    check(created.public is False, "a new Subsonic playlist is private")
    conn.update_playlist(created.id, name="Trip", song_ids_to_add=[ids[2]], song_indices_to_remove=[0])
    made_public = json_call("updatePlaylist", {**token_params(), "playlistId": created.id, "public": "true"})
    check(made_public["status"] == "ok", f"made public: {made_public}")
    updated = conn.get_playlist(created.id)
    check(updated.name == "Trip" and updated.public, f"renamed {updated.name} {updated.public}")
    check([e.id for e in updated.entry] == ids[1:], f"entries {[e.id for e in updated.entry]}")
    check(any(p.id == created.id for p in conn.get_playlists()), "listed")
    conn.create_playlist(playlist_id=created.id, song_ids=[ids[0]])
    replaced = conn.get_playlist(created.id)
    check([e.id for e in replaced.entry] == [ids[0]], "replaced songs")
    conn.delete_playlist(created.id)
    expect_error(70, conn.get_playlist, created.id)

    # Someone else's private playlist does not exist here either.
    private = ctx["strangersPrivatePlaylist"]
    expect_error(70, conn.get_playlist, private)
    expect_error(70, conn.update_playlist, private, name="mine")
    expect_error(70, conn.delete_playlist, private)
    expect_error(70, conn.get_cover_art, private)
    check(all(p.id != private for p in conn.get_playlists()), "not listed")

    # Scrobbles: a play counts and lands in the history.
    conn.scrobble(ids[1], submission=True)
    check(conn.get_song(ids[1]).played, "played after a scrobble")
    conn.scrobble(ids[2], submission=False)
    check(any(e.id == ids[2] for e in conn.get_now_playing()), "now playing")

    # The play queue, both forms.
    conn.save_play_queue(ids, current=ids[1], position=12000)
    queue = conn.get_play_queue()
    check([e.id for e in queue.entry] == ids and queue.current == ids[1] and queue.position == 12000, "play queue")
    conn.save_play_queue_by_index(ids=ids[:2], current_index=0, position=500)
    by_index = conn.get_play_queue_by_index()
    check(by_index.current_index == 0 and [e.id for e in by_index.entry] == ids[:2], "queue by index")

    # Bookmarks are resume points.
    conn.create_bookmark(ids[0], 1000)
    marks = conn.get_bookmarks()
    check(any(b.entry.id == ids[0] and b.position == 1000 for b in marks), f"bookmarks {marks}")
    conn.delete_bookmark(ids[0])
    check(all(b.entry.id != ids[0] for b in conn.get_bookmarks()), "bookmark deleted")

    # Lyrics, synced.
    lyrics = conn.get_lyrics_by_song_id(ctx["lyricsSongId"])
    check(len(lyrics) == 1 and lyrics[0].synced, f"lyrics {lyrics}")
    check([(l.start, l.value) for l in lyrics[0].line] == [(500, "la"), (1000, "di da")], f"lines {lyrics[0].line}")

    # Shares: a public link to the album that plays without an account, until deleted; one
    # with an expiry stops working when it passes.
    share = conn.create_share(shids=[ctx["albumId"]], description="For the road")
    check(share.url.startswith(f"{BASE}/share/") and len(share.entry) == 3, f"share {share}")
    check(any(s.id == share.id for s in conn.get_shares()), "listed shares")
    token = share.url.rsplit("/", 1)[1]
    opened = json.loads(urllib.request.urlopen(f"{BASE}/api/v1/shares/{token}", timeout=30).read())
    check(opened["kind"] == "album" and [s["title"] for s in opened["songs"]] == ["One", "Two", "Three"], f"opened {opened}")
    check(opened["description"] == "For the road", "description")
    audio = urllib.request.urlopen(BASE + opened["songs"][0]["streamUrl"], timeout=30)
    check(audio.status == 200 and len(audio.read()) == first.size, "a shared song streams without an account")
    page = urllib.request.urlopen(share.url, timeout=30)
    check(page.status == 200 and b"<html" in page.read().lower(), "the link opens the web app")
    # (py-opensonic's update_share sends a parameter named None; by hand.)
    changed = json_call("updateShare", {**token_params(), "id": share.id, "description": "Changed"})
    check(changed["status"] == "ok", f"updateShare: {changed}")
    check([s.description for s in conn.get_shares() if s.id == share.id] == ["Changed"], "updated share")
    conn.delete_share(share.id)
    try:
        urllib.request.urlopen(f"{BASE}/api/v1/shares/{token}", timeout=30)
        raise AssertionError("a deleted share still opens")
    except urllib.error.HTTPError as error:
        check(error.code == 404, f"deleted share: {error.code}")
    soon = conn.create_share(shids=[first.id], expires=int(time.time()) + 3)
    soon_token = soon.url.rsplit("/", 1)[1]
    check(urllib.request.urlopen(f"{BASE}/api/v1/shares/{soon_token}", timeout=30).status == 200, "opens before expiry")
    time.sleep(4)
    try:
        urllib.request.urlopen(f"{BASE}/api/v1/shares/{soon_token}", timeout=30)
        raise AssertionError("an expired share still opens")
    except urllib.error.HTTPError as error:
        check(error.code == 404, f"expired share: {error.code}")
    expect_error(70, conn.create_share, shids=[private])

    # What Ampli does not offer is a Subsonic error, not an HTML 404.
    expect_error(70, conn.get_podcasts)
    check(conn.get_scan_status().scanning is False, "no scan")
finally:
    conn.cleanup()

# Credentials: wrong ones, the account password and a revoked app password are error 40.
for password in ["wrong-password", ctx["accountPassword"]]:
    bad = connect(username=EMAIL, password=password)
    expect_error(40, bad.ping)
    bad.cleanup()
legacy = connect(username=EMAIL, password=APP_PASSWORD, legacy_auth=True)
check(legacy.ping(), "p=enc: works")
legacy.cleanup()
keyed = connect(api_key=APP_PASSWORD)
check(keyed.ping() and keyed.token_info().username == EMAIL, "apiKey")
keyed.cleanup()
mixed = json_call("ping", {"apiKey": APP_PASSWORD, "u": EMAIL, "v": "1.16.1", "c": "x"})
check(mixed["error"]["code"] == 43, f"mixed schemes: {mixed}")
check(json_call("ping", {"apiKey": "nope", "v": "1.16.1", "c": "x"})["error"]["code"] == 44, "bad key")

def rest(method, path, body=None):
    request = urllib.request.Request(
        f"{BASE}{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ctx['accessToken']}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None

made = rest("POST", "/api/v1/me/app-passwords", {"name": "To revoke"})
fresh = connect(username=EMAIL, password=made["password"])
check(fresh.ping(), "a new app password works at once")
rest("DELETE", f"/api/v1/me/app-passwords/{made['id']}")
expect_error(40, fresh.ping)
fresh.cleanup()
listed = rest("GET", "/api/v1/me/app-passwords")["items"]
check(all("password" not in item for item in listed) and len(listed) == 1, f"listed {listed}")

# The same calls in XML, well-formed and in the Subsonic namespace; errors too.
params = token_params()
root = xml_call("getAlbum.view", {**params, "id": ctx["albumId"]})
check(root.get("status") == "ok" and len(root.findall(f"{NS}album/{NS}song")) == 3, "getAlbum in XML")
root = xml_call("getArtists", params)
check(root.find(f"{NS}artists/{NS}index/{NS}artist") is not None, "getArtists in XML")
root = xml_call("search3", {**params, "query": '""', "songCount": 50})
check(len(root.findall(f"{NS}searchResult3/{NS}song")) == ctx["songCount"], "search3 in XML")
root = xml_call("getLyricsBySongId", {**params, "id": ctx["lyricsSongId"]})
check(root.find(f"{NS}lyricsList/{NS}structuredLyrics/{NS}line").text == "la", "lyrics in XML")
root = xml_call("getPlaylist", {**params, "id": ctx["strangersPrivatePlaylist"]})
check(root.get("status") == "failed" and root.find(f"{NS}error").get("code") == "70", "an error in XML")
root = xml_call("ping", {**params, "t": "0" * 32})
check(root.find(f"{NS}error").get("code") == "40", "wrong token in XML")
root = xml_call("getPodcasts", params)
check(root.find(f"{NS}error").get("code") == "70", "not offered in XML")
status, headers, body = raw("noSuchMethod", params)
check(status == 200 and ET.fromstring(body).find(f"{NS}error") is not None, "unknown method in XML")

# JSONP, and a DSub-style POST with every parameter in a form body and p=enc:.
status, headers, body = raw("ping", {**params, "f": "jsonp", "callback": "cb"})
check(body.startswith(b"cb(") and body.endswith(b");"), f"jsonp: {body[:40]}")
check(json.loads(body[3:-2])["subsonic-response"]["status"] == "ok", "jsonp body")
status, headers, body = raw("ping", {**params, "f": "jsonp", "callback": "alert(1)"})
check(b"alert" not in body, "a callback that is not an identifier is refused")
form = {"u": EMAIL, "p": "enc:" + APP_PASSWORD.encode().hex(), "v": "1.2.0", "c": "DSub", "f": "json",
        "id": ctx["albumId"]}
status, headers, body = raw("getAlbum.view", {}, data=form)
answer = json.loads(body)["subsonic-response"]
check(answer["status"] == "ok" and len(answer["album"]["song"]) == 3, f"form POST: {answer.get('error')}")

print("py-opensonic: every check passed")
