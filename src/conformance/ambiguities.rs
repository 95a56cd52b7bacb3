//! Where the vendor docs are silent: one table of questions, each with every answer the suite accepts.
//!
//! A check that meets one of these questions classifies the target's answer into an alternative id and asks
//! [`accepts`]; an answer that fits no accepted alternative is a failure that lists the accepted ones. So a verdict never
//! depends on a guess about undocumented behaviour (issue 11, "No false failures"), and the table is the one place to
//! read (or widen) what counts as reasonable.

/// One question the docs leave open.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Ambiguity {
    /// `provider.topic.question`.
    pub id: &'static str,
    /// What the docs do not say.
    pub question: &'static str,
    /// Every accepted answer.
    pub accepted: &'static [Alternative],
}

/// One accepted answer.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Alternative {
    /// Short id a check classifies an answer into.
    pub id: &'static str,
    /// What the target does.
    pub answer: &'static str,
}

const fn alt(id: &'static str, answer: &'static str) -> Alternative {
    Alternative { id, answer }
}

/// Every ambiguity the suite knows, with its accepted answers.
pub static AMBIGUITIES: &[Ambiguity] = &[
    Ambiguity {
        id: "swr.limit.above-max",
        question: "SWR limit above 1000 (the SDK docstrings' maximum)",
        accepted: &[
            alt("clamp", "200 with at most 1000 records, the list's prefix"),
            alt(
                "honour",
                "200 with the requested number of records, the list's prefix",
            ),
            alt("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.paging.invalid",
        question: "SWR limit/offset of 0, negative, non-numeric or beyond 64 bits",
        accepted: &[
            alt("reject-400", "400 with the SWR error body"),
            alt(
                "lenient-200",
                "200 with a well-formed list (the value ignored or clamped)",
            ),
        ],
    },
    Ambiguity {
        id: "swr.tags.tag-match",
        question: "how the SWR tag list's `tag` parameter matches (\"Image tag name\"; the repository filters are \"fuzzy\")",
        accepted: &[
            alt("substring-ci", "case-insensitive substring"),
            alt("substring-cs", "case-sensitive substring"),
            alt("exact", "equality"),
        ],
    },
    Ambiguity {
        id: "swr.repos.fuzzy",
        question: "what SWR's \"fuzzy match\" of namespace and name is",
        accepted: &[
            alt("substring-ci", "case-insensitive substring"),
            alt("substring-cs", "case-sensitive substring"),
        ],
    },
    Ambiguity {
        id: "swr.filter.empty-segment",
        question: "an empty segment in SWR filter= (a trailing `|`)",
        accepted: &[
            alt("ignored", "the same answer as without it"),
            alt("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.unknown-key",
        question: "an unknown key in SWR filter=",
        accepted: &[
            alt("ignored", "the same answer as without it"),
            alt("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.empty-value",
        question: "a key with an empty value in SWR filter= (`tag::`)",
        accepted: &[
            alt("ignored", "the same answer as without the key"),
            alt("matches-nothing", "200 with an empty list"),
            alt("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.repeated-key",
        question: "a key given twice in SWR filter=",
        accepted: &[
            alt("last-wins", "the answer for the last value"),
            alt("first-wins", "the answer for the first value"),
            alt("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.separator-in-value",
        question: "a filter value holding `::`, `|` or `,` (percent-encoded, as the SDK encodes the whole filter)",
        accepted: &[
            alt(
                "no-match",
                "200 with an empty list (no name holds a separator)",
            ),
            alt("reject-400", "400 with the SWR error body"),
            alt(
                "prefix",
                "the answer for the value's part before the separator",
            ),
            alt("any-of", "for `,`: the records matching either part"),
        ],
    },
    Ambiguity {
        id: "swr.content-range.single-key",
        question: "Content-Range when only one of limit and offset is given (\"If the offset and limit parameters are transferred\")",
        accepted: &[
            alt("present", "offset-count/total with the right numbers"),
            alt("absent", "no Content-Range header"),
        ],
    },
    Ambiguity {
        id: "swr.not-found.code",
        question: "which SWR code an unknown namespace, repository or tag gets",
        accepted: &[alt(
            "svcstg-404",
            "an SVCSTG.SWR.404xxxx code (the appendix has SVCSTG.SWR.4040010 and others)",
        )],
    },
    Ambiguity {
        id: "swr.auth.code",
        question: "which gateway code an SWR authentication failure gets",
        accepted: &[alt(
            "apigw-03",
            "an APIGW.03xx code (APIGW.0301 in the SDK note)",
        )],
    },
    Ambiguity {
        id: "ncr.pagesize.default",
        question: "NCR's default pagesize",
        accepted: &[alt(
            "any-prefix",
            "any size of at least 1: the list's prefix",
        )],
    },
    Ambiguity {
        id: "ncr.pagesize.above-max",
        question: "an NCR pagesize larger than the server's maximum",
        accepted: &[
            alt("clamp", "200 with the list's prefix, shorter than asked"),
            alt(
                "honour",
                "200 with the requested number of tags, the list's prefix",
            ),
            alt("reject-400", "400"),
        ],
    },
    Ambiguity {
        id: "ncr.paging.invalid",
        question: "NCR page/pagesize of 0, negative, non-numeric or huge (\"greater than 0\", answer undocumented)",
        accepted: &[
            alt("reject-400", "400"),
            alt("lenient-200", "200 with a well-formed list"),
        ],
    },
    Ambiguity {
        id: "ncr.page.past-end",
        question: "an NCR page past the last one",
        accepted: &[
            alt("empty-200", "200, empty results, the real count, next null"),
            alt("not-found-404", "404"),
        ],
    },
    Ambiguity {
        id: "ncr.page.past-end-previous",
        question: "`previous` on an NCR page past the last one",
        accepted: &[
            alt("null", "null"),
            alt("page-minus-one", "the requested page minus one"),
            alt("last-page", "the last page that has items"),
        ],
    },
    Ambiguity {
        id: "tcr.limit.above-max",
        question: "a TCR Limit above 100 (DescribeImages documents no maximum; its related actions say 100)",
        accepted: &[
            alt("clamp", "the list's first 100 items"),
            alt("honour", "the requested number of items"),
            alt("reject", "InvalidParameterValue or InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.offset.zero",
        question: "TCR Offset 0 (a page number from 1, yet the vendor's own example sends 0)",
        accepted: &[
            alt("first-page", "page 1"),
            alt("reject", "InvalidParameterValue or InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.paging.invalid",
        question: "TCR Limit 0 or negative, Offset negative, a non-numeric Limit",
        accepted: &[
            alt(
                "reject",
                "an InvalidParameter or InvalidParameterValue code (or a sub-code of either)",
            ),
            alt(
                "lenient",
                "a well-formed page (the value ignored or clamped)",
            ),
        ],
    },
    Ambiguity {
        id: "tcr.image-version.fuzzy",
        question: "what TCR's \"fuzzy search\" on ImageVersion is",
        accepted: &[
            alt("substring-ci", "case-insensitive substring"),
            alt("substring-cs", "case-sensitive substring"),
        ],
    },
    Ambiguity {
        id: "tcr.not-found.code",
        question: "which code DescribeImages gives an unknown instance, namespace or repository",
        accepted: &[
            alt("ResourceNotFound", "ResourceNotFound"),
            alt(
                "ResourceNotFound.TcrResourceNotFound",
                "ResourceNotFound.TcrResourceNotFound",
            ),
            alt(
                "ResourceNotFound.ErrNoNamespace",
                "ResourceNotFound.ErrNoNamespace (errorcodes.py)",
            ),
            alt(
                "ResourceNotFound.ErrNoRepo",
                "ResourceNotFound.ErrNoRepo (errorcodes.py)",
            ),
        ],
    },
    Ambiguity {
        id: "tcr.unknown-parameter.code",
        question: "which code an undefined DescribeImages parameter gets",
        accepted: &[
            alt("UnknownParameter", "UnknownParameter"),
            alt("InvalidParameter", "InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.unknown-secret-id.code",
        question: "which code an unknown SecretId gets",
        accepted: &[
            alt(
                "AuthFailure.SecretIdNotFound",
                "AuthFailure.SecretIdNotFound",
            ),
            alt("AuthFailure.InvalidSecretId", "AuthFailure.InvalidSecretId"),
        ],
    },
    Ambiguity {
        id: "message.wording",
        question: "the wording of error messages (only TCR's SignatureFailure text is given by the vendor)",
        accepted: &[alt("any", "any text: messages are never compared")],
    },
];

/// The ambiguity `id`. Panics on an unknown id: checks name ids from this table, and a test covers each.
pub fn get(id: &str) -> &'static Ambiguity {
    AMBIGUITIES
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no ambiguity {id}"))
}

/// Whether `alternative` is an accepted answer to ambiguity `id`.
///
/// ```
/// use regmock::conformance::ambiguities::accepts;
/// assert!(accepts("tcr.offset.zero", "first-page"));
/// assert!(!accepts("tcr.offset.zero", "second-page"));
/// ```
pub fn accepts(id: &str, alternative: &str) -> bool {
    get(id).accepted.iter().any(|a| a.id == alternative)
}

/// "accepted: a (what), b (what)" for a failure message.
pub fn describe(id: &str) -> String {
    let a = get(id);
    let list: Vec<String> = a
        .accepted
        .iter()
        .map(|x| format!("{} ({})", x.id, x.answer))
        .collect();
    format!("{}: accepted {}", a.question, list.join("; "))
}
