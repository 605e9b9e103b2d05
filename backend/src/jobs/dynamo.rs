//! Jobs in `DynamoDB` (JSON 1.0 over reqwest and `SigV4`): `pk = JOB#<id>`, `sk = META` for
//! the record (`total`, `done` counters, `expires_at` for TTL) and `sk = PDF#<key>` for
//! each outcome, written with `TransactWriteItems` (`attribute_not_exists` + `ADD done 1`)
//! so a redelivered PDF is counted once. Every read is consistent.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{JobRecord, PdfOutcome, StoreError};
use crate::aws::json::{self, JsonError};
use crate::aws::{AwsConfig, Service};

const META: &str = "META";
const PDF_PREFIX: &str = "PDF#";

/// `PDF#<key>`; a key too long for DynamoDB's 1,024-byte sort key is stood in for by its
/// SHA-256 (the outcome item carries the key itself).
fn pdf_sort_key(source_key: &str) -> String {
    if source_key.len() <= 900 {
        format!("{PDF_PREFIX}{source_key}")
    } else {
        use sha2::Digest as _;
        format!(
            "{PDF_PREFIX}sha256:{}",
            hex::encode(sha2::Sha256::digest(source_key.as_bytes()))
        )
    }
}
/// Two workers finishing PDFs of one job at once both update its META item; `DynamoDB`
/// cancels one transaction (`TransactionConflict`), which is worth a quick retry here
/// rather than a redelivery an SQS visibility timeout later.
const CONFLICT_RETRIES: u32 = 4;

pub struct DynamoJobs {
    config: AwsConfig,
    table: String,
}

fn pk(job_id: &str) -> Value {
    json!({ "S": format!("JOB#{job_id}") })
}

impl DynamoJobs {
    pub fn new(config: AwsConfig, table: String) -> Self {
        Self { config, table }
    }

    async fn call(&self, operation: &str, body: &Value) -> Result<Value, JsonError> {
        let target = format!("DynamoDB_20120810.{operation}");
        json::call(&self.config, Service::DynamoDb, &target, body).await
    }

    fn failed(&self, what: &str, error: impl std::fmt::Display) -> StoreError {
        StoreError(format!("{what} (DynamoDB table {}): {error}", self.table))
    }

    pub(super) async fn create(&self, record: &JobRecord) -> Result<(), StoreError> {
        let request = serde_json::to_string(&record.request)
            .map_err(|e| self.failed(&format!("cannot write job {}", record.id), e))?;
        let body = json!({
            "TableName": self.table,
            "Item": {
                "pk": pk(&record.id),
                "sk": { "S": META },
                "owner_sub": { "S": record.owner_sub },
                "request": { "S": request },
                "total": { "N": record.total.to_string() },
                "done": { "N": record.done.to_string() },
                "expires_at": { "N": record.expires_at.to_string() },
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        });
        match self.call("PutItem", &body).await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => Err(self.failed(
                &format!("the job {} exists", record.id),
                "not created again",
            )),
            Err(e) => Err(self.failed(&format!("cannot create job {}", record.id), e)),
        }
    }

    pub(super) async fn record(
        &self,
        job_id: &str,
        outcome: &PdfOutcome,
    ) -> Result<bool, StoreError> {
        let what = format!("cannot record {} in job {job_id}", outcome.source_key);
        // The outcome expires with its job, so the META item is read for `expires_at`.
        let Some(meta) = self.meta(job_id).await? else {
            return Err(self.failed(&what, "there is no such job"));
        };
        let expires_at = number::<i64>(&meta, "expires_at").map_err(|e| self.failed(&what, e))?;
        let outcome_json = serde_json::to_string(outcome).map_err(|e| self.failed(&what, e))?;
        let body = json!({
            "TransactItems": [
                { "Put": {
                    "TableName": self.table,
                    "Item": {
                        "pk": pk(job_id),
                        "sk": { "S": pdf_sort_key(&outcome.source_key) },
                        "outcome": { "S": outcome_json },
                        "expires_at": { "N": expires_at.to_string() },
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                } },
                { "Update": {
                    "TableName": self.table,
                    "Key": { "pk": pk(job_id), "sk": { "S": META } },
                    "UpdateExpression": "ADD done :one",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": { ":one": { "N": "1" } },
                } },
            ],
        });
        let mut attempt = 0;
        loop {
            let Err(error) = self.call("TransactWriteItems", &body).await else {
                return Ok(true);
            };
            let reasons = match &error {
                JsonError::Service {
                    code,
                    message,
                    body,
                    ..
                } if code == "TransactionCanceledException" => cancellation_reasons(body, message),
                _ => return Err(self.failed(&what, error)),
            };
            match reasons.first().map(String::as_str) {
                // The PDF item exists: this delivery is a repeat, already counted.
                Some("ConditionalCheckFailed") => return Ok(false),
                _ if reasons
                    .get(1)
                    .is_some_and(|r| r == "ConditionalCheckFailed") =>
                {
                    return Err(self.failed(&what, "the job was deleted meanwhile"));
                }
                _ if reasons.iter().any(|r| r == "TransactionConflict")
                    && attempt < CONFLICT_RETRIES =>
                {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                }
                _ => return Err(self.failed(&what, error)),
            }
        }
    }

    /// The META item, `None` if the job does not exist.
    async fn meta(&self, job_id: &str) -> Result<Option<Map<String, Value>>, StoreError> {
        let body = json!({
            "TableName": self.table,
            "Key": { "pk": pk(job_id), "sk": { "S": META } },
            "ConsistentRead": true,
        });
        let answer = self
            .call("GetItem", &body)
            .await
            .map_err(|e| self.failed(&format!("cannot read job {job_id}"), e))?;
        Ok(answer.get("Item").and_then(Value::as_object).cloned())
    }

    pub(super) async fn get(
        &self,
        job_id: &str,
    ) -> Result<Option<(JobRecord, Vec<PdfOutcome>)>, StoreError> {
        let what = format!("cannot read job {job_id}");
        let Some(meta) = self.meta(job_id).await? else {
            return Ok(None);
        };
        let record = parse_record(job_id, &meta).map_err(|e| self.failed(&what, e))?;
        let mut outcomes = Vec::new();
        let mut start_key: Option<Value> = None;
        loop {
            let mut body = json!({
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :pdf)",
                "ExpressionAttributeValues": { ":pk": pk(job_id), ":pdf": { "S": PDF_PREFIX } },
                "ConsistentRead": true,
            });
            if let Some(key) = start_key.take() {
                body["ExclusiveStartKey"] = key;
            }
            let page = self
                .call("Query", &body)
                .await
                .map_err(|e| self.failed(&what, e))?;
            for item in page
                .get("Items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let outcome = item
                    .as_object()
                    .ok_or_else(|| "an item is not an object".to_owned())
                    .and_then(|item| string(item, "outcome"))
                    .and_then(|text| {
                        serde_json::from_str::<PdfOutcome>(text)
                            .map_err(|e| format!("outcome: {e}"))
                    })
                    .map_err(|e| self.failed(&what, e))?;
                outcomes.push(outcome);
            }
            match page.get("LastEvaluatedKey") {
                Some(key) if key.as_object().is_some_and(|k| !k.is_empty()) => {
                    start_key = Some(key.clone());
                }
                _ => break,
            }
        }
        outcomes.sort_by(|a, b| a.source_key.cmp(&b.source_key));
        Ok(Some((record, outcomes)))
    }
}

fn parse_record(job_id: &str, item: &Map<String, Value>) -> Result<JobRecord, String> {
    Ok(JobRecord {
        id: job_id.to_owned(),
        owner_sub: string(item, "owner_sub")?.to_owned(),
        request: serde_json::from_str(string(item, "request")?)
            .map_err(|e| format!("request: {e}"))?,
        total: number(item, "total")?,
        done: number(item, "done")?,
        expires_at: number(item, "expires_at")?,
    })
}

fn string<'a>(item: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    item.get(name)
        .and_then(|v| v.get("S"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the item has no string {name}"))
}

fn number<T: std::str::FromStr>(item: &Map<String, Value>, name: &str) -> Result<T, String> {
    let text = item
        .get(name)
        .and_then(|v| v.get("N"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the item has no number {name}"))?;
    text.parse()
        .map_err(|_| format!("{name} is {text:?}, not a number this store writes"))
}

/// `CancellationReasons[].Code`, in the order of the transaction's items; from the
/// message's `[…]` list when the answer has no such field.
fn cancellation_reasons(body: &Value, message: &str) -> Vec<String> {
    if let Some(reasons) = body.get("CancellationReasons").and_then(Value::as_array) {
        return reasons
            .iter()
            .map(|r| {
                r.get("Code")
                    .and_then(Value::as_str)
                    .unwrap_or("None")
                    .to_owned()
            })
            .collect();
    }
    message
        .rsplit_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list.split(',').map(|r| r.trim().to_owned()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_reasons_come_from_the_field_or_the_message() {
        let body = json!({"CancellationReasons": [{"Code": "ConditionalCheckFailed", "Message": "x"}, {"Code": "None"}]});
        assert_eq!(
            cancellation_reasons(&body, ""),
            ["ConditionalCheckFailed", "None"]
        );
        let message = "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]";
        assert_eq!(
            cancellation_reasons(&json!({}), message),
            ["None", "TransactionConflict"]
        );
        assert!(cancellation_reasons(&json!({}), "no list").is_empty());
    }

    #[test]
    fn a_meta_item_reads_back_as_a_record_and_names_what_is_wrong() {
        let item = json!({
            "pk": {"S": "JOB#j1"}, "sk": {"S": "META"}, "owner_sub": {"S": "u"},
            "request": {"S": r#"{"source_bucket":"b","pdf_prefix":"in/","upload_prefix":"out/"}"#},
            "total": {"N": "3"}, "done": {"N": "1"}, "expires_at": {"N": "1700000000"},
        });
        let record = parse_record("j1", item.as_object().unwrap()).unwrap();
        assert_eq!(
            (record.total, record.done, record.expires_at),
            (3, 1, 1_700_000_000)
        );
        assert_eq!(record.request.upload_prefix, "out/");
        let mut broken = item.as_object().unwrap().clone();
        broken.insert("done".to_owned(), json!({"N": "1.5"}));
        assert_eq!(
            parse_record("j1", &broken).unwrap_err(),
            "done is \"1.5\", not a number this store writes"
        );
    }
}
