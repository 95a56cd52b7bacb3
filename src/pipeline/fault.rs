//! Injected faults: a test asks for one with the `X-Regmock-Fault` request header, and the provider answers with its
//! own documented error for it. Apart from a catalogue code asked for by name, this is the only way regmock answers
//! 5xx (and 403: no dataset has permissions).

/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "X-Regmock-Fault";

/// A fault a provider can be asked to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The vendor's documented internal error instead of the answer.
    InternalError,
    /// The vendor's documented permission refusal for valid credentials.
    Forbidden,
    /// Any code of the provider's error catalogue, by its vendor spelling (e.g. `FailedOperation.EmptyCoreBody`), so
    /// every documented code is reachable even when nothing in a dataset can trigger it.
    Code(String),
}

impl Fault {
    /// The named faults with their header values.
    pub const NAMED: &'static [(&'static str, Fault)] = &[
        ("internal-error", Fault::InternalError),
        ("forbidden", Fault::Forbidden),
    ];

    /// Parses a header value: a named fault (any case), otherwise a catalogue code for the provider to resolve.
    ///
    /// ```
    /// use regmock::pipeline::Fault;
    /// assert_eq!(Fault::parse("Internal-Error"), Fault::InternalError);
    /// assert_eq!(Fault::parse("ResourceNotFound"), Fault::Code("ResourceNotFound".into()));
    /// ```
    pub fn parse(value: &str) -> Fault {
        let value = value.trim();
        Fault::NAMED
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value))
            .map(|(_, f)| f.clone())
            .unwrap_or_else(|| Fault::Code(value.to_string()))
    }

    /// The accepted values, for the error that answers an unknown one.
    pub fn help(codes: impl Iterator<Item = &'static str>) -> String {
        let names: Vec<&str> = Fault::NAMED.iter().map(|(n, _)| *n).collect();
        let codes: Vec<&str> = codes.collect();
        format!(
            "{FAULT_HEADER} accepts {} or one of this provider's error codes: {}.",
            names.join(", "),
            codes.join(", ")
        )
    }
}
