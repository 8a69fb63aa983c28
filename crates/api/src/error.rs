//! API errors with the reasons and messages the real API server gives, for kubectl to print.

use std::fmt;

/// `metav1.StatusReason` values the playground produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Invalid,
    BadRequest,
    Conflict,
    Forbidden,
    /// 429: an eviction a PodDisruptionBudget refuses for now.
    TooManyRequests,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ApiError {
    pub reason: Reason,
    pub message: String,
}

impl ApiError {
    pub fn not_found(qualified_plural: &str, name: &str) -> ApiError {
        ApiError {
            reason: Reason::NotFound,
            message: format!("{qualified_plural} \"{name}\" not found"),
        }
    }
    pub fn already_exists(qualified_plural: &str, name: &str) -> ApiError {
        ApiError {
            reason: Reason::AlreadyExists,
            message: format!("{qualified_plural} \"{name}\" already exists"),
        }
    }
    pub fn bad_request(message: String) -> ApiError {
        ApiError {
            reason: Reason::BadRequest,
            message,
        }
    }
    pub fn too_many_requests(message: String) -> ApiError {
        ApiError {
            reason: Reason::TooManyRequests,
            message,
        }
    }
    pub fn forbidden(message: String) -> ApiError {
        ApiError {
            reason: Reason::Forbidden,
            message,
        }
    }
    pub fn no_kind_match(api_version: &str, kind: &str) -> ApiError {
        ApiError {
            reason: Reason::BadRequest,
            message: format!(
                "resource mapping not found for name: \"\" namespace: \"\" from \"\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"
            ),
        }
    }
    /// `apierrors.NewInvalid`, as kubectl's `StandardErrorMessage` prints it: one cause after the
    /// colon, several as a `* cause` list on the following lines.
    pub fn invalid(kind: &str, name: &str, errors: &[String]) -> ApiError {
        let detail = if errors.len() == 1 {
            errors[0].clone()
        } else {
            errors
                .iter()
                .map(|e| format!("\n* {e}"))
                .collect::<String>()
        };
        ApiError {
            reason: Reason::Invalid,
            message: format!("The {kind} \"{name}\" is invalid: {detail}"),
        }
    }
}

impl fmt::Display for ApiError {
    /// As kubectl prints it: `Error from server (NotFound): pods "x" not found`; an Invalid error
    /// prints its message alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::Invalid => f.write_str(&self.message),
            r => write!(f, "Error from server ({r:?}): {}", self.message),
        }
    }
}
