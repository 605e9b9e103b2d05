//! Where a user pool is: the Cognito endpoint of an AWS region, and the checks on
//! region names and app client ids that come from a person's settings.

use reqwest::Url;

use super::CognitoError;

/// The Cognito endpoint of an AWS region: `https://cognito-idp.REGION.amazonaws.com/`.
pub fn region_endpoint(region: &str) -> Result<Url, CognitoError> {
    if !is_region_name(region) {
        return Err(CognitoError::InvalidInput(format!(
            "\"{region}\" is not an AWS region name (like ap-northeast-1)"
        )));
    }
    let domain = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Url::parse(&format!("https://cognito-idp.{region}.{domain}/"))
        .map_err(|e| CognitoError::InvalidInput(format!("bad region endpoint: {e}")))
}

/// `ap-northeast-1`, `us-gov-west-1`, `eu-central-2`: lowercase words and a number.
pub fn is_region_name(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// An app client id: 1–128 word characters (AWS issues 26 lowercase alphanumerics).
pub fn is_client_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
}
/// `REGION_ID`, as the user pool console shows it (the id: letters and digits, up to 55).
pub fn is_user_pool_id(id: &str) -> bool {
    id.split_once('_').is_some_and(|(region, name)| {
        is_region_name(region)
            && (1..=55).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_endpoints_follow_the_aws_pattern() {
        assert_eq!(
            region_endpoint("ap-northeast-1").expect("ok").as_str(),
            "https://cognito-idp.ap-northeast-1.amazonaws.com/"
        );
        assert_eq!(
            region_endpoint("cn-north-1").expect("ok").as_str(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
        for bad in [
            "",
            "tokyo",
            "ap-northeast",
            "AP-NORTHEAST-1",
            "ap-northeast-1/x",
            "a..b-1",
        ] {
            assert!(region_endpoint(bad).is_err(), "{bad}");
        }
        assert!(is_region_name("us-gov-west-1"));
    }

    #[test]
    fn client_ids_are_word_characters() {
        assert!(is_client_id("4b2q8ojjvq1h7pbm0k7rbf8cr5"));
        assert!(!is_client_id(""));
        assert!(!is_client_id("has space"));
        assert!(!is_client_id(&"a".repeat(129)));
    }
}
