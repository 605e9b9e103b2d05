//! The accept loop: HTTP/1.1 on each connection with a deadline for a request's head (an
//! idle keep-alive connection is closed when it passes, so idle sockets cannot pile up)
//! and a cap on open connections (beyond it, new ones wait in the kernel's backlog until
//! one closes). On stop, no new connection is taken and each open one finishes the
//! request it is answering, then closes.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// How long a connection may take to send a request's head, or stay idle between
/// requests (the app's clients drop idle ones sooner: `HTTP_IDLE`).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Open connections at most; the app uses a handful, a browser a few more.
pub const MAX_CONNECTIONS: usize = 256;

/// Serves `router` on `listener` until `stop` resolves.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    stop: impl std::future::Future<Output = ()>,
    limits: Limits,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stopping, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let tcp = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of file descriptors and the like: the next accept may work.
                    tracing::warn!(error = %e, "could not accept a connection");
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stop_rx = stop_rx.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.head_timeout);
            let connection = builder.serve_connection(TokioIo::new(tcp), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stopped(&mut stop_rx) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        // Finished connections are reaped as we go.
        while connections.try_join_next().is_some() {}
    }
    let _ = stopping.send(true);
    while connections.join_next().await.is_some() {}
}

/// Returns once the loop says stop (or is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

/// The accept loop's limits (by default a 30 s head deadline and 256 connections).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub head_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            head_timeout: HEAD_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_apps_clients_let_idle_connections_go_before_the_server_does() {
        assert!(crate::HTTP_IDLE < super::HEAD_TIMEOUT);
    }
}
