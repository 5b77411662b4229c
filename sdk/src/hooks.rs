//! What the SDK does to every request the generated client sends.
//!
//! The generator is set to `HooksMode::Expected` (xtask/src/codegen.rs), so this
//! implementation is required: without it the crate does not compile.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::Client;

/// progenitor adds `api-version: <info.version>` to every request. Prolific documents no
/// such header, so it is not sent: the SDK sends only what Prolific's docs describe.
const API_VERSION_HEADER: &str = "api-version";

impl ClientHooks for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION_HEADER);
        Ok(())
    }
}
