//! Injected faults: a test asks for one with the `X-Regmock-Fault` request header, and the provider answers with its
//! own documented error for it. This is the only way regmock answers 5xx (and 403: no dataset has permissions).

/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "X-Regmock-Fault";

/// A fault a provider can be asked to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The vendor's documented internal error (HTTP 500) instead of the answer.
    InternalError,
    /// The vendor's documented permission refusal (HTTP 403) for valid credentials.
    Forbidden,
}

impl Fault {
    /// Every fault with its header value, for parsing and for `--help`-style listings.
    pub const ALL: &'static [(&'static str, Fault)] = &[
        ("internal-error", Fault::InternalError),
        ("forbidden", Fault::Forbidden),
    ];

    /// Parses a header value; `Err` carries the accepted values for the error message.
    ///
    /// ```
    /// use regmock::transport::fault::Fault;
    /// assert_eq!(Fault::parse("internal-error"), Ok(Fault::InternalError));
    /// assert!(Fault::parse("explode").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<Fault, String> {
        Fault::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value.trim()))
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|(n, _)| *n).collect();
                format!(
                    "unknown {FAULT_HEADER} value {value:?}; known: {}",
                    names.join(", ")
                )
            })
    }
}
