//! `ClientIp`: the address a request came from, for rate limits, and the network it counts
//! as. Taken from the connection; from `X-Forwarded-For` only when the connection comes from
//! a proxy named in `--trusted-proxies` (a load balancer in front of several instances), and
//! then only the part of the header that the trusted proxies wrote.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::config::TrustedProxies;

#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        if let Some(resolved) = parts.extensions.get::<ClientIp>() {
            return Ok(resolved.clone());
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
        Ok(Self(ip))
    }
}

/// Middleware: works out the client's address once, for `ClientIp` to hand out.
pub async fn resolve(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
    {
        let client = trusted.client(peer, request.headers());
        request
            .extensions_mut()
            .insert(ClientIp(client.to_string()));
    }
    next.run(request).await
}

/// The network an address stands for when counting attempts. One IPv4 address is one
/// client, but an IPv6 subscriber is handed a whole /64, so counting by full IPv6 address
/// would give one attacker 2^64 allowances: IPv6 addresses are counted by their /64.
pub fn network_of(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::network_of;
    use crate::config::TrustedProxies;
    use axum::http::HeaderMap;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let client = |peer: &str, values: &[&str]| {
            trusted
                .client(peer.parse().unwrap(), &forwarded(values))
                .to_string()
        };
        // From a stranger the header is ignored.
        assert_eq!(client("203.0.113.5", &["198.51.100.1"]), "203.0.113.5");
        // Through the proxy: the address it saw, not what the client wrote before it.
        assert_eq!(
            client("10.1.2.3", &["6.6.6.6, 198.51.100.1"]),
            "198.51.100.1"
        );
        assert_eq!(
            client("10.1.2.3", &["6.6.6.6", "198.51.100.1, 10.9.9.9"]),
            "198.51.100.1"
        );
        assert_eq!(client("::1", &["198.51.100.7"]), "198.51.100.7");
        // No header or garbage: the proxy itself.
        assert_eq!(client("10.1.2.3", &[]), "10.1.2.3");
        assert_eq!(client("10.1.2.3", &["not-an-address"]), "10.1.2.3");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_ipv4_ones_alone() {
        assert_eq!(network_of("203.0.113.7"), "203.0.113.7");
        assert_eq!(network_of("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(
            network_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            network_of("2001:db8:1:2::1"),
            network_of("2001:db8:1:2:ffff::9")
        );
        assert_ne!(network_of("2001:db8:1:2::1"), network_of("2001:db8:1:3::1"));
        assert_eq!(network_of("unknown"), "unknown");
    }
}
