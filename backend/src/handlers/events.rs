//! The Lambda events, as JSON in and JSON out, so the exact payloads AWS sends can be fed
//! to the handlers in tests: API Gateway's REST proxy event (the Cognito authorizer's
//! claims under `requestContext.authorizer.claims`) and SQS batches answered with
//! `batchItemFailures` (`ReportBatchItemFailures`).

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Answer, Backend, Caller};
use crate::contract::WorkItem;

/// `maxReceiveCount` of the work queue's redrive policy (`backend/template.yaml`).
pub const MAX_RECEIVES: u32 = 3;

impl Backend {
    /// Routes an API Gateway REST proxy event to its handler and answers the proxy
    /// response (`statusCode`, `headers`, `body`).
    pub async fn api_gateway(&self, event: &Value) -> Value {
        let context = &event["requestContext"];
        let stage = context["stage"].as_str().unwrap_or("Prod");
        // `path` is the request's path without the stage on the execute-api domain; a
        // custom domain's base path mapping may leave it in.
        let path = event["path"].as_str().unwrap_or_default();
        let path = path
            .strip_prefix(&format!("/{stage}"))
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(path);
        let method = event["httpMethod"].as_str().unwrap_or_default();
        let stage_url = match context["domainName"].as_str() {
            Some(domain) => format!("https://{domain}/{stage}"),
            None => format!("/{stage}"),
        };
        let caller = context["authorizer"]["claims"]["sub"]
            .as_str()
            .filter(|sub| !sub.is_empty())
            .map(|sub| Caller {
                sub: sub.to_owned(),
            });
        let body = match (event["body"].as_str(), event["isBase64Encoded"].as_bool()) {
            (Some(text), Some(true)) => base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_or_default(),
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, _) => Vec::new(),
        };
        let query = query_string(event);
        let answer = match caller {
            // The authorizer lets nothing through without claims; if it ever did, refuse.
            None => Answer::error(401, "Unauthorized"),
            Some(caller) => {
                self.route(&caller, method, path, &query, &body, &stage_url)
                    .await
            }
        };
        json!({
            "statusCode": answer.status,
            "headers": {"Content-Type": "application/json"},
            "body": answer.body.to_string(),
            "isBase64Encoded": false,
        })
    }

    /// The API's routes, below the stage.
    pub async fn route(
        &self,
        caller: &Caller,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
        stage_url: &str,
    ) -> Answer {
        let wait = url::form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name == "wait" && value != "0" && value != "false");
        match (method, path.trim_end_matches('/')) {
            ("POST", "/convert") => self.convert(caller, body, stage_url).await,
            ("GET", "/prefixes") => self.prefixes(caller, query).await,
            ("GET", job) if job.starts_with("/jobs/") && job.len() > "/jobs/".len() => {
                self.job_status(caller, &job["/jobs/".len()..], wait).await
            }
            // API Gateway's own answer for a route it does not have.
            _ => Answer::error(403, "Missing Authentication Token"),
        }
    }

    /// Works through an SQS event's records; the ones to deliver again are listed in
    /// `batchItemFailures`. A body that is not a work item is logged and dropped (it would
    /// fail the same way every time).
    pub async fn sqs_batch(&self, event: &Value) -> Value {
        let mut failures = Vec::new();
        for record in event["Records"].as_array().into_iter().flatten() {
            let id = record["messageId"].as_str().unwrap_or_default();
            let item = record["body"]
                .as_str()
                .map(serde_json::from_str::<WorkItem>);
            match item {
                Some(Ok(item)) => {
                    if let Err(e) = self.work(&item).await {
                        // The queue moves a message to the dead letters after this many
                        // receives (template.yaml's maxReceiveCount): on the last one the
                        // PDF is recorded as failed, so the job still ends.
                        let receives = record["attributes"]["ApproximateReceiveCount"]
                            .as_str()
                            .and_then(|n| n.parse::<u32>().ok())
                            .unwrap_or(1);
                        if receives >= MAX_RECEIVES {
                            self.give_up(&item, &e).await;
                        } else {
                            tracing::warn!(error = %e, message = id, receives, "delivered again later");
                            failures.push(json!({ "itemIdentifier": id }));
                        }
                    }
                }
                Some(Err(e)) => {
                    tracing::error!(error = %e, message = id, "not a work item; dropped");
                }
                None => tracing::error!(message = id, "a record without a body; dropped"),
            }
        }
        json!({ "batchItemFailures": failures })
    }
}

/// The event's query string, rebuilt from `multiValueQueryStringParameters` (or the
/// single-valued map).
fn query_string(event: &Value) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(params) = event["multiValueQueryStringParameters"].as_object() {
        for (name, values) in params {
            for value in values.as_array().into_iter().flatten() {
                query.append_pair(name, value.as_str().unwrap_or_default());
            }
        }
    } else if let Some(params) = event["queryStringParameters"].as_object() {
        for (name, value) in params {
            query.append_pair(name, value.as_str().unwrap_or_default());
        }
    }
    query.finish()
}
