//! The one Redis client: a connection manager that reconnects by itself, with every command
//! bounded in time so that a Redis that went away answers an error within a second instead of
//! holding requests.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::config::Secret;

/// How long one command may take, reconnection included.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// Redis as the instances share it. Cheap to clone: one multiplexed connection underneath.
#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    manager: ConnectionManager,
}

/// Why a command did not answer.
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("redis: {0}")]
    Failed(#[from] redis::RedisError),
    #[error("redis did not answer within {COMMAND_TIMEOUT:?}")]
    TimedOut,
}

impl Redis {
    /// A client for `url`. Connects lazily: Ampli starts while Redis is down, and what needs
    /// Redis answers an error until it is back.
    pub fn connect(url: &Secret) -> anyhow::Result<Self> {
        let client = redis::Client::open(url.expose()).map_err(|error| {
            anyhow::anyhow!("invalid setting --redis-url (AMPLI_REDIS_URL): {error}")
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT / 2))
            .set_response_timeout(Some(COMMAND_TIMEOUT / 2))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let manager = client.get_connection_manager_lazy(config)?;
        Ok(Self { client, manager })
    }

    /// Runs `command` (or a script invocation) within [`COMMAND_TIMEOUT`].
    pub async fn run<T: redis::FromRedisValue + Send>(
        &self,
        command: &redis::Cmd,
    ) -> Result<T, RedisError> {
        let mut connection = self.manager.clone();
        match tokio::time::timeout(COMMAND_TIMEOUT, command.query_async(&mut connection)).await {
            Ok(answer) => Ok(answer?),
            Err(_) => Err(RedisError::TimedOut),
        }
    }

    /// Runs a Lua script (sent by hash, loaded on first use) within [`COMMAND_TIMEOUT`].
    pub async fn run_script<T: redis::FromRedisValue + Send>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, RedisError> {
        let mut connection = self.manager.clone();
        match tokio::time::timeout(COMMAND_TIMEOUT, invocation.invoke_async(&mut connection)).await
        {
            Ok(answer) => Ok(answer?),
            Err(_) => Err(RedisError::TimedOut),
        }
    }

    /// A dedicated subscriber connection (publish/subscribe cannot share the multiplexed one).
    pub async fn subscriber(&self) -> Result<redis::aio::PubSub, RedisError> {
        match tokio::time::timeout(COMMAND_TIMEOUT, self.client.get_async_pubsub()).await {
            Ok(pubsub) => Ok(pubsub?),
            Err(_) => Err(RedisError::TimedOut),
        }
    }
}

/// A Redis key under Ampli's prefix, so that one Redis may serve other programs too.
pub fn key(parts: std::fmt::Arguments<'_>) -> String {
    format!("ampli:{parts}")
}
