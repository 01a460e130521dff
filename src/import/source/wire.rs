//! Reading a live server over the MongoDB wire protocol: `OP_MSG` frames carrying `find` and
//! `getMore` commands, one connection, cursor batches until the cursor is exhausted. Only what
//! an import needs: one host, no authentication (reach a secured server through a local
//! tunnel, or take a `mongodump` of it).

use std::fmt;

use anyhow::{Context, bail};
use bson::{Bson, Document, doc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Collection;

const OP_MSG: i32 = 2013;
const BATCH: i32 = 5_000;
const MAX_MESSAGE: usize = 48_000_000;

#[derive(Debug, Clone)]
pub struct Address {
    host: String,
    port: u16,
    database: String,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mongodb://{}:{}/{}", self.host, self.port, self.database)
    }
}

impl Address {
    pub fn parse(uri: &str) -> anyhow::Result<Self> {
        let Some(rest) = uri.strip_prefix("mongodb://") else {
            bail!("only mongodb:// URIs with one host are read (no DNS seed lists)");
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            bail!(
                "the URI has credentials; authentication is not supported: take a mongodump, or reach the server through a local tunnel without authentication"
            );
        }
        if authority.contains(',') {
            bail!("name one host of the replica set, not several");
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse().with_context(|| format!("bad port in {uri}"))?,
            ),
            None => (authority, 27017),
        };
        let database = path.split('?').next().unwrap_or_default();
        if database.is_empty() {
            bail!("name the database in the URI, e.g. mongodb://{authority}/ampli");
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            database: database.to_owned(),
        })
    }
}

struct Connection {
    stream: TcpStream,
    next_request: i32,
}

impl Connection {
    /// Sends one command and answers its reply document; a reply with `ok: 0` is an error.
    async fn command(&mut self, command: Document) -> anyhow::Result<Document> {
        let mut body = Vec::new();
        command.to_writer(&mut body)?;
        self.next_request += 1;
        let length = 16 + 4 + 1 + body.len();
        let mut frame = Vec::with_capacity(length);
        frame.extend_from_slice(&(length as i32).to_le_bytes());
        frame.extend_from_slice(&self.next_request.to_le_bytes());
        frame.extend_from_slice(&0i32.to_le_bytes());
        frame.extend_from_slice(&OP_MSG.to_le_bytes());
        frame.extend_from_slice(&0u32.to_le_bytes()); // flag bits
        frame.push(0); // section kind 0: the body document
        frame.extend_from_slice(&body);
        self.stream.write_all(&frame).await?;

        let mut header = [0u8; 16];
        self.stream.read_exact(&mut header).await?;
        let length = i32::from_le_bytes(header[0..4].try_into()?) as usize;
        let op_code = i32::from_le_bytes(header[12..16].try_into()?);
        if op_code != OP_MSG || !(21..=MAX_MESSAGE).contains(&length) {
            bail!("the server answered with an unexpected frame (op {op_code}, {length} bytes)");
        }
        let mut message = vec![0u8; length - 16];
        self.stream.read_exact(&mut message).await?;
        let (flags, sections) = message.split_at(4);
        if u32::from_le_bytes(flags.try_into()?) & 1 != 0 {
            // A checksum is present; it trails the sections and is not needed here.
        }
        if sections.first() != Some(&0) {
            bail!("the server's reply does not start with a body section");
        }
        let reply = Document::from_reader(&mut &sections[1..])?;
        if reply.get("ok").and_then(number) != Some(1.0) {
            let message = reply.get_str("errmsg").unwrap_or("no message");
            bail!("the server refused {:?}: {message}", command.keys().next());
        }
        Ok(reply)
    }
}

fn number(value: &Bson) -> Option<f64> {
    match value {
        Bson::Double(x) => Some(*x),
        Bson::Int32(x) => Some(*x as f64),
        Bson::Int64(x) => Some(*x as f64),
        _ => None,
    }
}

fn batch(reply: &Document, field: &str) -> anyhow::Result<(i64, Vec<Bson>)> {
    let cursor = reply.get_document("cursor")?;
    let id = match cursor.get("id") {
        Some(Bson::Int64(id)) => *id,
        Some(Bson::Int32(id)) => *id as i64,
        _ => 0,
    };
    Ok((id, cursor.get_array(field)?.clone()))
}

pub async fn read(address: &Address, name: &str) -> anyhow::Result<Collection> {
    let stream = TcpStream::connect((address.host.as_str(), address.port)).await?;
    stream.set_nodelay(true)?;
    let mut connection = Connection {
        stream,
        next_request: 0,
    };
    let db = address.database.as_str();
    let mut collection = Collection::default();
    let reply = connection
        .command(doc! { "find": name, "filter": {}, "batchSize": BATCH, "$db": db })
        .await?;
    let (mut cursor, mut documents) = batch(&reply, "firstBatch")?;
    loop {
        for document in documents.drain(..) {
            let item = collection.len() + collection.unreadable.len() + 1;
            let stored = match document {
                Bson::Document(document) => collection.push(&document),
                other => Err(format!("not a document but {:?}", other.element_type())),
            };
            if let Err(reason) = stored {
                let location = format!("cursor item {item}");
                collection.unreadable.push((location, reason));
            }
        }
        if cursor == 0 {
            break;
        }
        let reply = connection
            .command(doc! { "getMore": cursor, "collection": name, "batchSize": BATCH, "$db": db })
            .await?;
        (cursor, documents) = batch(&reply, "nextBatch")?;
    }
    Ok(collection)
}
