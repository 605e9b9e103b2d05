//! The loopback side of a browser sign-in: the one-shot listener the browser comes back
//! to (`/callback`, answered with a ja/en page, its query handed over), and the "signed
//! out" page after the managed login's `/logout`. Both stop gracefully, so the browser
//! gets its page before the port is given back.

use std::collections::HashMap;

use tokio::sync::oneshot;

/// What the browser brought back to the loopback listener.
#[derive(Debug)]
pub(super) struct Callback {
    pub(super) query: HashMap<String, String>,
}

/// The page the browser shows once it has handed the code over.
fn closing_page(ok: bool) -> String {
    let (en, ja) = if ok {
        (
            "Signed in. You can close this tab and return to Receipt Desk.",
            "サインインしました。このタブを閉じて Receipt Desk に戻ってください。",
        )
    } else {
        (
            "The sign-in did not finish. Return to Receipt Desk for the reason.",
            "サインインは完了しませんでした。理由は Receipt Desk で確認してください。",
        )
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Receipt Desk</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>Receipt Desk</h1>\
         <p lang=\"en\">{en}</p><p lang=\"ja\">{ja}</p></body></html>"
    )
}

pub(super) fn signed_out_page() -> String {
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Receipt Desk</title></head>\
     <body style=\"font-family:sans-serif;margin:3em\"><h1>Receipt Desk</h1>\
     <p lang=\"en\">Signed out. You can close this tab.</p>\
     <p lang=\"ja\">サインアウトしました。このタブは閉じてかまいません。</p></body></html>"
        .to_owned()
}

/// Serves `page` at `path` on the loopback listener; the first visit is reported.
pub(super) async fn serve_page(
    listener: tokio::net::TcpListener,
    path: &'static str,
    page: String,
    visited: oneshot::Sender<()>,
    stop: oneshot::Receiver<()>,
) {
    use axum::response::Html;
    use axum::routing::get;
    let visited = std::sync::Arc::new(std::sync::Mutex::new(Some(visited)));
    let app = axum::Router::new().route(
        path,
        get(move || {
            let visited = std::sync::Arc::clone(&visited);
            let page = page.clone();
            async move {
                if let Some(sender) = visited
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take()
                {
                    let _ = sender.send(());
                }
                Html(page)
            }
        }),
    );
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await;
}

/// Serves the loopback port until the browser arrives at `/callback`, hands its query
/// over, and answers with a page; any other path is a 404.
pub(super) async fn serve_one_callback(
    listener: tokio::net::TcpListener,
    sender: oneshot::Sender<Callback>,
    stop: oneshot::Receiver<()>,
) {
    use axum::extract::Query;
    use axum::response::Html;
    use axum::routing::get;
    let sender = std::sync::Arc::new(std::sync::Mutex::new(Some(sender)));
    let app = axum::Router::new().route(
        "/callback",
        get(move |Query(query): Query<HashMap<String, String>>| {
            let sender = std::sync::Arc::clone(&sender);
            async move {
                let ok = query.contains_key("code");
                let taken = sender
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                if let Some(sender) = taken {
                    let _ = sender.send(Callback { query });
                }
                Html(closing_page(ok))
            }
        }),
    );
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await;
}
