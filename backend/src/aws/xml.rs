//! S3's XML answers, read with quick-xml: a `ListObjectsV2` page and the `<Error>` body.
//! Text is taken whole (entities and character references resolved, nothing trimmed),
//! since keys may begin or end with spaces.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("S3's XML cannot be read: {0}")]
pub struct XmlError(pub String);

/// An element as the walk meets it. `parent` is the enclosing element's local name.
enum Node<'a> {
    Open(&'a str),
    /// An element without child elements, with its text.
    Leaf {
        parent: &'a str,
        name: &'a str,
        text: String,
    },
    Close(&'a str),
}

/// Calls `visit` for every element of `xml` in document order.
fn walk(
    xml: &str,
    mut visit: impl FnMut(Node<'_>) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    let broken = |e: &dyn std::fmt::Display| XmlError(e.to_string());
    let mut reader = quick_xml::Reader::from_str(xml);
    // (local name, has child elements)
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().map_err(|e| broken(&e))? {
            Event::Start(start) => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                visit(Node::Open(&name))?;
                open.push((name, false));
                text.clear();
            }
            Event::Empty(empty) => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                let name = String::from_utf8_lossy(empty.local_name().as_ref()).into_owned();
                let parent = open.last().map_or("", |(p, _)| p.as_str());
                visit(Node::Leaf {
                    parent,
                    name: &name,
                    text: String::new(),
                })?;
            }
            Event::End(_) => {
                let (name, has_children) = open
                    .pop()
                    .ok_or_else(|| XmlError("an end tag without a start".to_owned()))?;
                if has_children {
                    visit(Node::Close(&name))?;
                } else {
                    let parent = open.last().map_or("", |(p, _)| p.as_str());
                    visit(Node::Leaf {
                        parent,
                        name: &name,
                        text: std::mem::take(&mut text),
                    })?;
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content().map_err(|e| broken(&e))?),
            Event::CData(t) => text.push_str(&t.xml10_content().map_err(|e| broken(&e))?),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| broken(&e))? {
                    text.push(c);
                } else {
                    let name = r.decode().map_err(|e| broken(&e))?;
                    let resolved = resolve_predefined_entity(&name)
                        .ok_or_else(|| XmlError(format!("unknown entity &{name};")))?;
                    text.push_str(resolved);
                }
            }
            Event::Eof => return Ok(()),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// One object of a `ListObjectsV2` page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedObject {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<String>,
}

/// A `ListObjectsV2` page (`<ListBucketResult>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListObjectsPage {
    pub objects: Vec<ListedObject>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    pub next_continuation_token: Option<String>,
}

pub fn parse_list_objects(xml: &str) -> Result<ListObjectsPage, XmlError> {
    let mut page = ListObjectsPage::default();
    let mut object: Option<ListedObject> = None;
    let mut root_seen = false;
    walk(xml, |node| {
        match node {
            Node::Open(name) if !root_seen => {
                root_seen = true;
                if name != "ListBucketResult" {
                    return Err(XmlError(format!(
                        "expected <ListBucketResult>, found <{name}>"
                    )));
                }
            }
            Node::Open("Contents") => object = Some(ListedObject::default()),
            Node::Close("Contents") => {
                let done = object.take().unwrap_or_default();
                if done.key.is_empty() {
                    return Err(XmlError("an object without a <Key>".to_owned()));
                }
                page.objects.push(done);
            }
            Node::Leaf {
                parent: "Contents",
                name,
                text,
            } => {
                let Some(current) = object.as_mut() else {
                    return Ok(());
                };
                match name {
                    "Key" => current.key = text,
                    "Size" => {
                        current.size = text.trim().parse().map_err(|_| {
                            XmlError(format!("the <Size> of {:?} is {text:?}", current.key))
                        })?;
                    }
                    "LastModified" => current.last_modified = Some(text),
                    _ => {}
                }
            }
            Node::Leaf {
                parent: "CommonPrefixes",
                name: "Prefix",
                text,
            } => {
                page.common_prefixes.push(text);
            }
            Node::Leaf {
                parent: "ListBucketResult",
                name: "IsTruncated",
                text,
            } => {
                page.is_truncated = text.trim() == "true";
            }
            Node::Leaf {
                parent: "ListBucketResult",
                name: "NextContinuationToken",
                text,
            } if !text.is_empty() => {
                page.next_continuation_token = Some(text);
            }
            Node::Leaf { name, .. } if !root_seen => {
                return Err(XmlError(format!(
                    "expected <ListBucketResult>, found <{name}/>"
                )));
            }
            _ => {}
        }
        Ok(())
    })?;
    if !root_seen {
        return Err(XmlError("the answer is empty".to_owned()));
    }
    Ok(page)
}

/// S3's `<Error><Code>…</Code><Message>…</Message></Error>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// The code and message of an `<Error>` body, if that is what `xml` is.
pub fn parse_error(xml: &str) -> Option<ErrorBody> {
    let mut body = ErrorBody::default();
    walk(xml, |node| {
        match node {
            Node::Leaf {
                parent: "Error",
                name: "Code",
                text,
            } => body.code = text,
            Node::Leaf {
                parent: "Error",
                name: "Message",
                text,
            } => body.message = text,
            _ => {}
        }
        Ok(())
    })
    .ok()?;
    (!body.code.is_empty()).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_page_is_read_with_escapes_and_spaces_kept() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>receipts</Name><Prefix>in/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents><Key>in/a &amp; b .pdf</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;x&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>in/r&#233;&#x301;.pdf</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>in/2026/</Prefix></CommonPrefixes>
  <NextContinuationToken>tok/en+=</NextContinuationToken>
</ListBucketResult>"#;
        let page = parse_list_objects(xml).unwrap();
        assert_eq!(
            page.objects,
            vec![
                ListedObject {
                    key: "in/a & b .pdf".to_owned(),
                    size: 1234,
                    last_modified: Some("2026-01-02T03:04:05.000Z".to_owned()),
                },
                ListedObject {
                    key: "in/r\u{e9}\u{301}.pdf".to_owned(),
                    size: 0,
                    last_modified: None,
                },
            ]
        );
        assert_eq!(page.common_prefixes, vec!["in/2026/".to_owned()]);
        assert!(page.is_truncated);
        assert_eq!(page.next_continuation_token.as_deref(), Some("tok/en+="));
    }

    #[test]
    fn an_empty_listing_and_a_foreign_document_are_told_apart() {
        let empty = parse_list_objects(
            "<ListBucketResult><Name>b</Name><Prefix/><IsTruncated>false</IsTruncated></ListBucketResult>",
        )
        .unwrap();
        assert_eq!(empty, ListObjectsPage::default());
        let error = "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>";
        assert!(parse_list_objects(error).unwrap_err().0.contains("<Error>"));
        assert!(parse_list_objects("").is_err());
        assert!(parse_list_objects("<ListBucketResult><Contents><Size>x</Size>").is_err());
        assert_eq!(
            parse_error(error),
            Some(ErrorBody {
                code: "NoSuchBucket".to_owned(),
                message: "The specified bucket does not exist".to_owned(),
            })
        );
        assert_eq!(parse_error("not xml <"), None);
        assert_eq!(parse_error(""), None);
    }
}
