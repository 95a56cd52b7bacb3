//! What a decision does to an answer: the effects, the provider's answer under them, and what is left for the
//! transport ([`Delivered`]).

use super::rule::{FaultKind, SocketFault};
use crate::http::{Request, Response};
use crate::pipeline::{Ctx, Fault, Provider, VendorFault};
use std::time::Duration;

/// What a fault does to the answer, besides a delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The provider answers this vendor error instead.
    Vendor(VendorFault),
    /// The answer's body is replaced by bytes that are not JSON.
    Malformed,
    /// The transport mistreats the connection.
    Socket(SocketFault),
}

/// The faults decided for one request.
///
/// ```
/// use regmock::faults::Decision;
/// assert!(Decision::default().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Total delay of the latency rules that fired.
    pub delay: Duration,
    /// The first non-latency rule that fired, if any.
    pub effect: Option<Effect>,
}

impl Decision {
    /// Whether nothing fired.
    pub fn is_none(&self) -> bool {
        self.delay.is_zero() && self.effect.is_none()
    }

    /// `response` with this decision's delay and socket fault, for the transport.
    ///
    /// ```
    /// use regmock::faults::{Decision, Effect, SocketFault};
    /// let decision = Decision { effect: Some(Effect::Socket(SocketFault::Reset)), ..Decision::default() };
    /// let delivered = decision.deliver(regmock::http::Response::default());
    /// assert_eq!(delivered.socket, Some(SocketFault::Reset));
    /// ```
    pub fn deliver(self, response: Response) -> Delivered {
        Delivered {
            response,
            delay: self.delay,
            socket: match self.effect {
                Some(Effect::Socket(fault)) => Some(fault),
                _ => None,
            },
        }
    }
}

/// The answer of `provider` to `req` under `decision`: its own error for a vendor fault, its normal answer otherwise,
/// with the body spoiled for a malformed one. Latency and socket faults are left to the transport.
pub fn answer(
    provider: &dyn Provider,
    ctx: &Ctx<'_>,
    req: &Request,
    decision: &Decision,
) -> Response {
    match &decision.effect {
        Some(Effect::Vendor(fault)) => provider.inject(ctx, req, fault),
        Some(Effect::Malformed) => {
            let resp = provider.handle(ctx, req);
            let body = malformed_body(&resp.body);
            Response { body, ..resp }
        }
        None | Some(Effect::Socket(_)) => provider.handle(ctx, req),
    }
}

/// An answer with what the transport must still do to it: wait `delay` before sending, and produce `socket`.
///
/// ```
/// use regmock::{Emulator, http::Request};
/// let delivered = Emulator::embedded().deliver(&Request::get("/__regmock/health"));
/// assert_eq!(delivered.response.status, 200);
/// assert!(delivered.socket.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// The answer.
    pub response: Response,
    /// Time to wait before sending it.
    pub delay: Duration,
    /// The socket fault to produce while sending it.
    pub socket: Option<SocketFault>,
}

impl From<Response> for Delivered {
    fn from(response: Response) -> Delivered {
        Delivered {
            response,
            ..Delivered::default()
        }
    }
}

/// What a kind does to the answer; `None` for latency, which only delays it.
pub(super) fn effect_of(kind: &FaultKind) -> Option<Effect> {
    Some(match kind {
        FaultKind::Latency { .. } => return None,
        FaultKind::Malformed => Effect::Malformed,
        FaultKind::Error { status } => Effect::Vendor(VendorFault::Error { status: *status }),
        FaultKind::Code(code) => Effect::Vendor(VendorFault::Fault(Fault::parse(code))),
        FaultKind::Throttle { retry_after_secs } => Effect::Vendor(VendorFault::Throttle {
            retry_after_secs: *retry_after_secs,
        }),
        FaultKind::Socket(fault) => Effect::Socket(*fault),
    })
}

/// A body that is not valid JSON: the first half of `body` followed by `#`, which JSON allows only inside a string,
/// and a string cut off there is unterminated. Whatever `body` was, the result never parses.
///
/// ```
/// let bad = regmock::faults::malformed_body(br#"{"a":1}"#);
/// assert!(serde_json::from_slice::<serde_json::Value>(&bad).is_err());
/// ```
pub fn malformed_body(body: &[u8]) -> Vec<u8> {
    let mut out = body[..body.len() / 2].to_vec();
    out.push(b'#');
    out
}
