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
    /// The alternative the emulator serves unless told otherwise. Every entry has one (a question the emulator
    /// answered in more than one way is split into one question per case, as `swr.filter.*-in-value` and
    /// `tcr.not-found.*-code` are); `None` is kept for a question that is not about the emulator's behaviour.
    pub serves: Option<&'static str>,
}

/// One accepted answer.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Alternative {
    /// Short id a check classifies an answer into.
    pub id: &'static str,
    /// What the target does.
    pub answer: &'static str,
    /// The emulator can be told to answer this way ([`Emulated`], `serve --ambiguity ID=ALT`).
    pub selectable: bool,
}

const fn alt(id: &'static str, answer: &'static str) -> Alternative {
    Alternative {
        id,
        answer,
        selectable: false,
    }
}

/// An alternative the emulator can be told to serve.
const fn sel(id: &'static str, answer: &'static str) -> Alternative {
    Alternative {
        id,
        answer,
        selectable: true,
    }
}

/// The not-found codes of DescribeImages: its page's two and the two of the official Python SDK's error list
/// (errorcodes.py) that name a namespace or a repository. Each kind of unknown name accepts all four.
const NOT_FOUND_CODES: &[Alternative] = &[
    sel("ResourceNotFound", "ResourceNotFound"),
    sel(
        "ResourceNotFound.TcrResourceNotFound",
        "ResourceNotFound.TcrResourceNotFound",
    ),
    sel(
        "ResourceNotFound.ErrNoNamespace",
        "ResourceNotFound.ErrNoNamespace (the official Python SDK's error list)",
    ),
    sel(
        "ResourceNotFound.ErrNoRepo",
        "ResourceNotFound.ErrNoRepo (the official Python SDK's error list)",
    ),
];

/// Every ambiguity the suite knows, with its accepted answers.
pub static AMBIGUITIES: &[Ambiguity] = &[
    Ambiguity {
        id: "swr.limit.above-max",
        question: "SWR limit above 1000 (the SDK docstrings' maximum)",
        serves: Some("reject-400"),
        accepted: &[
            sel("clamp", "200 with at most 1000 records, the list's prefix"),
            sel(
                "honour",
                "200 with the requested number of records, the list's prefix",
            ),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.paging.invalid",
        question: "SWR limit/offset of 0, negative, non-numeric or beyond 64 bits",
        serves: Some("reject-400"),
        accepted: &[
            sel("reject-400", "400 with the SWR error body"),
            sel(
                "lenient-200",
                "200 with a well-formed list (the value ignored or clamped)",
            ),
        ],
    },
    Ambiguity {
        id: "swr.tags.tag-match",
        question: "how the SWR tag list's `tag` parameter matches (\"Image tag name\"; the repository filters are \"fuzzy\")",
        serves: Some("substring-ci"),
        accepted: &[
            sel("substring-ci", "case-insensitive substring"),
            sel("substring-cs", "case-sensitive substring"),
            sel("exact", "equality"),
        ],
    },
    Ambiguity {
        id: "swr.repos.fuzzy",
        question: "what SWR's \"fuzzy match\" of namespace and name is",
        serves: Some("substring-ci"),
        accepted: &[
            sel("substring-ci", "case-insensitive substring"),
            sel("substring-cs", "case-sensitive substring"),
        ],
    },
    Ambiguity {
        id: "swr.filter.empty-segment",
        question: "an empty segment in SWR filter= (a trailing `|`)",
        serves: Some("ignored"),
        accepted: &[
            sel("ignored", "the same answer as without it"),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.unknown-key",
        question: "an unknown key in SWR filter=",
        serves: Some("ignored"),
        accepted: &[
            sel("ignored", "the same answer as without it"),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.empty-value",
        question: "a key with an empty value in SWR filter= (`tag::`)",
        serves: Some("ignored"),
        accepted: &[
            sel("ignored", "the same answer as without the key"),
            sel("matches-nothing", "200 with an empty list"),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.filter.repeated-key",
        question: "a key given twice in SWR filter=",
        serves: Some("last-wins"),
        accepted: &[
            sel("last-wins", "the answer for the last value"),
            sel("first-wins", "the answer for the first value"),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    // One question per separator: a target may answer each differently (regmock does: a `|` ends the value), so one
    // default and one selection per separator.
    Ambiguity {
        id: "swr.filter.colons-in-value",
        question: "a filter value holding `::` (`tag::a::b`, percent-encoded, as the SDK encodes the whole filter)",
        serves: Some("no-match"),
        accepted: &[
            sel(
                "no-match",
                "200 with an empty list (the whole rest is the value; no name holds `::`)",
            ),
            sel("reject-400", "400 with the SWR error body"),
            sel("prefix", "the answer for the value's part before `::`"),
        ],
    },
    Ambiguity {
        id: "swr.filter.pipe-in-value",
        question: "a filter value holding `|` (`tag::a|b|limit::..`: the part after `|` is a segment without `::`)",
        serves: Some("reject-400"),
        accepted: &[
            sel(
                "reject-400",
                "400 with the SWR error body (a segment without `::`)",
            ),
            sel(
                "no-match",
                "200 with an empty list (the segment continues the value, which no name holds)",
            ),
            sel(
                "prefix",
                "the answer for the value's part before `|` (the segment ignored)",
            ),
        ],
    },
    Ambiguity {
        id: "swr.filter.comma-in-value",
        question: "a filter value holding `,` (`tag::a,b`, percent-encoded)",
        serves: Some("no-match"),
        accepted: &[
            sel("no-match", "200 with an empty list (no name holds `,`)"),
            sel("reject-400", "400 with the SWR error body"),
            sel("prefix", "the answer for the value's part before `,`"),
            sel("any-of", "the records matching either part"),
        ],
    },
    Ambiguity {
        id: "swr.content-range.single-key",
        question: "Content-Range when only one of limit and offset is given (\"If the offset and limit parameters are transferred\")",
        serves: Some("present"),
        accepted: &[
            sel("present", "offset-count/total with the right numbers"),
            sel("absent", "no Content-Range header"),
        ],
    },
    Ambiguity {
        id: "swr.tags.single-key",
        question: "the SWR tag list with only one of limit and offset (its page documents no defaults and says they \"should always be used together\")",
        serves: Some("default-100"),
        accepted: &[
            sel(
                "default-100",
                "the repository page's defaults: offset 0, 100 records",
            ),
            sel(
                "all",
                "every record from the offset (limit alone: the first limit records)",
            ),
            sel("reject-400", "400 with the SWR error body"),
        ],
    },
    Ambiguity {
        id: "swr.not-found.code",
        question: "which SWR code an unknown namespace, repository or tag gets",
        serves: Some("svcstg-404"),
        accepted: &[alt(
            "svcstg-404",
            "an SVCSTG.SWR.404xxxx code (the appendix has SVCSTG.SWR.4040010 and others)",
        )],
    },
    Ambiguity {
        id: "swr.auth.code",
        question: "which gateway code an SWR authentication failure gets",
        serves: Some("apigw-03"),
        accepted: &[alt(
            "apigw-03",
            "an APIGW.03xx code (APIGW.0301 in the official SDK sources)",
        )],
    },
    Ambiguity {
        id: "ncr.pagesize.default",
        question: "NCR's default pagesize",
        serves: Some("any-prefix"),
        accepted: &[alt(
            "any-prefix",
            "any size of at least 1: the list's prefix",
        )],
    },
    Ambiguity {
        id: "ncr.pagesize.above-max",
        question: "an NCR pagesize larger than the server's maximum",
        serves: Some("clamp"),
        accepted: &[
            sel("clamp", "200 with the list's prefix, shorter than asked"),
            sel(
                "honour",
                "200 with the requested number of tags, the list's prefix",
            ),
            sel("reject-400", "400"),
        ],
    },
    Ambiguity {
        id: "ncr.paging.invalid",
        question: "NCR page/pagesize of 0, negative, non-numeric or huge (\"greater than 0\", answer undocumented)",
        serves: Some("reject-400"),
        accepted: &[
            sel("reject-400", "400"),
            sel("lenient-200", "200 with a well-formed list"),
            sel(
                "past-end-404",
                "for a page number past 64 bits only: 404, as a page past the end (ncr.page.past-end=not-found-404)",
            ),
        ],
    },
    Ambiguity {
        id: "ncr.page.past-end",
        question: "an NCR page past the last one",
        serves: Some("empty-200"),
        accepted: &[
            sel("empty-200", "200, empty results, the real count, next null"),
            sel("not-found-404", "404"),
        ],
    },
    Ambiguity {
        id: "ncr.page.past-end-previous",
        question: "`previous` on an NCR page past the last one",
        serves: Some("last-page"),
        accepted: &[
            sel("last-page", "the last page that has items"),
            sel("page-minus-one", "the requested page minus one"),
            sel("null", "null"),
        ],
    },
    Ambiguity {
        id: "tcr.limit.above-max",
        question: "a TCR Limit above 100 (DescribeImages documents no maximum; its related actions say 100)",
        serves: Some("clamp"),
        accepted: &[
            sel("clamp", "the list's first 100 items"),
            sel("honour", "the requested number of items"),
            sel("reject", "InvalidParameterValue or InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.offset.zero",
        question: "TCR Offset 0 (a page number from 1, yet the vendor's own example sends 0)",
        serves: Some("first-page"),
        accepted: &[
            sel("first-page", "page 1"),
            sel("reject", "InvalidParameterValue or InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.paging.invalid",
        question: "TCR Limit 0 or negative, Offset negative, a non-numeric Limit",
        serves: Some("reject"),
        accepted: &[
            sel(
                "reject",
                "an InvalidParameter or InvalidParameterValue code (or a sub-code of either)",
            ),
            sel(
                "lenient",
                "a well-formed page (the value ignored or clamped)",
            ),
        ],
    },
    Ambiguity {
        id: "tcr.image-version.fuzzy",
        question: "what TCR's \"fuzzy search\" on ImageVersion is",
        serves: Some("substring-ci"),
        accepted: &[
            sel("substring-ci", "case-insensitive substring"),
            sel("substring-cs", "case-sensitive substring"),
        ],
    },
    // One question per kind of name: regmock answers an unknown instance and an unknown namespace differently.
    Ambiguity {
        id: "tcr.not-found.instance-code",
        question: "which code DescribeImages gives an unknown instance (RegistryId)",
        serves: Some("ResourceNotFound"),
        accepted: NOT_FOUND_CODES,
    },
    Ambiguity {
        id: "tcr.not-found.namespace-code",
        question: "which code DescribeImages gives an unknown namespace",
        serves: Some("ResourceNotFound.TcrResourceNotFound"),
        accepted: NOT_FOUND_CODES,
    },
    Ambiguity {
        id: "tcr.not-found.repository-code",
        question: "which code DescribeImages gives an unknown repository",
        serves: Some("ResourceNotFound.TcrResourceNotFound"),
        accepted: NOT_FOUND_CODES,
    },
    Ambiguity {
        id: "tcr.unknown-parameter.code",
        question: "which code an undefined DescribeImages parameter gets",
        serves: Some("UnknownParameter"),
        accepted: &[
            sel("UnknownParameter", "UnknownParameter"),
            sel("InvalidParameter", "InvalidParameter"),
        ],
    },
    Ambiguity {
        id: "tcr.unknown-secret-id.code",
        question: "which code an unknown SecretId gets",
        serves: Some("AuthFailure.SecretIdNotFound"),
        accepted: &[
            sel(
                "AuthFailure.SecretIdNotFound",
                "AuthFailure.SecretIdNotFound",
            ),
            sel(
                "AuthFailure.InvalidSecretId",
                "AuthFailure.InvalidSecretId (a key that is not an API key)",
            ),
        ],
    },
    Ambiguity {
        id: "message.wording",
        question: "the wording of error messages (only TCR's SignatureFailure text is given by the vendor)",
        serves: Some("any"),
        accepted: &[sel("any", "any text: messages are never compared")],
    },
];

/// Which alternative the emulator serves for each ambiguity it can vary on: an [`Options`](crate::Options) value
/// the providers read (`Options::default().with(emulated)`), set by `serve --ambiguity ID=ALT`. Ambiguities not
/// named keep [`Ambiguity::serves`].
///
/// ```
/// use regmock::conformance::ambiguities::Emulated;
/// let e = Emulated::default().select("swr.limit.above-max=clamp").unwrap();
/// assert!(e.serves("swr.limit.above-max", "clamp"));
/// assert!(e.serves("swr.paging.invalid", "reject-400"), "the default of the others");
/// assert!(Emulated::default().select("swr.limit.above-max=guess").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Emulated(pub std::collections::BTreeMap<&'static str, &'static str>);

impl Emulated {
    /// Adds `ID=ALT`: the ambiguity must be in [`AMBIGUITIES`] and the alternative selectable (or its default).
    pub fn select(mut self, spec: &str) -> Result<Emulated, String> {
        let (id, wanted) = spec
            .split_once('=')
            .ok_or_else(|| format!("{spec:?} is not ID=ALTERNATIVE"))?;
        let amb = AMBIGUITIES
            .iter()
            .find(|a| a.id == id.trim())
            .ok_or_else(|| format!("no ambiguity {:?} (see `regmock conform` docs)", id.trim()))?;
        let choices: Vec<&'static str> = amb
            .accepted
            .iter()
            .filter(|a| a.selectable || amb.serves == Some(a.id))
            .map(|a| a.id)
            .collect();
        let alt = choices
            .iter()
            .find(|a| **a == wanted.trim())
            .ok_or_else(|| {
                format!(
                    "{} cannot be {:?}; the emulator can serve: {}",
                    amb.id,
                    wanted.trim(),
                    if choices.is_empty() {
                        "nothing else".to_string()
                    } else {
                        choices.join(", ")
                    }
                )
            })?;
        self.0.insert(amb.id, alt);
        Ok(self)
    }

    /// Whether the emulator answers ambiguity `id` with alternative `alt` (selected, or else the default). Never
    /// panics: an unknown id is simply not served.
    pub fn serves(&self, id: &str, alt: &str) -> bool {
        // Providers ask this several times a request: the defaults are looked up by id, not by a scan of the table.
        static DEFAULTS: std::sync::LazyLock<std::collections::HashMap<&str, &str>> =
            std::sync::LazyLock::new(|| {
                AMBIGUITIES
                    .iter()
                    .filter_map(|a| Some((a.id, a.serves?)))
                    .collect()
            });
        let chosen = self.0.get(id).or_else(|| DEFAULTS.get(id));
        chosen == Some(&alt)
    }
}

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
