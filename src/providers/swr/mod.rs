//! Huawei Cloud SWR.

use crate::http::{Request, Response};
use crate::model::ProviderId;
use crate::providers::{Ctx, Provider};

/// The SWR provider.
#[derive(Debug)]
pub struct Swr;

impl Provider for Swr {
    fn id(&self) -> ProviderId {
        ProviderId::Swr
    }
    fn claims(&self, req: &Request) -> bool {
        req.path.starts_with("/v2/manage/")
    }
    fn handle(&self, _ctx: &Ctx<'_>, _req: &Request) -> Response {
        Response::json(200, &serde_json::json!([]))
    }
    fn sample_curl(&self, base: &str) -> String {
        format!(
            "curl -H 'X-Auth-Token: any' '{base}/v2/manage/repos?filter=namespace::group|name::busybox'"
        )
    }
}
