//! NAVER Cloud Container Registry (NCR): "Get image tag list".

use crate::http::{Request, Response};
use crate::model::ProviderId;
use crate::providers::{Ctx, Provider};

/// The NCR provider.
#[derive(Debug)]
pub struct Ncr;

impl Provider for Ncr {
    fn id(&self) -> ProviderId {
        ProviderId::Ncr
    }
    fn claims(&self, req: &Request) -> bool {
        req.path.starts_with("/ncr/")
    }
    fn handle(&self, _ctx: &Ctx<'_>, _req: &Request) -> Response {
        Response::json(
            501,
            &serde_json::json!({"message": "regmock: NCR not yet implemented"}),
        )
    }
    fn sample_curl(&self, base: &str) -> String {
        format!("curl '{base}/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags'")
    }
}
