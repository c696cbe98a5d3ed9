//! What generated code implements per operation, and the calls written once over it.
//!
//! A generated crate holds one parameter struct per operation implementing [`Operation`]
//! (and [`ListOperation`] for paginated lists); its generic request type calls [`send`] and
//! [`pages`](fn@list_pages) instead of repeating them per operation.

use serde::de::DeserializeOwned;

use crate::{Core, Error, PageStream, Request, RequestOptions, Response};

/// The parameters of one operation: how they become a request and how the answer is read.
pub trait Operation {
    /// What a successful answer decodes to.
    type Output;
    /// The request these parameters describe.
    fn request(&self) -> Result<Request, Error>;
    /// Reads a successful answer.
    fn decode(response: &Response) -> Result<Self::Output, Error>;
}

/// A paginated list: its records sit under [`ENVELOPE`](Self::ENVELOPE) and pages link on.
pub trait ListOperation: Operation {
    /// One record of the list.
    type Item: DeserializeOwned + Send + 'static;
    /// The key of the records in each page.
    const ENVELOPE: &'static str;
}

fn with_options<P: Operation>(params: &P, options: RequestOptions) -> Result<Request, Error> {
    let mut request = params.request()?;
    request.options(options);
    Ok(request)
}

/// Sends the operation and decodes the answer.
pub async fn send<P: Operation>(core: &Core, params: &P, options: RequestOptions) -> Result<P::Output, Error> {
    let response = core.execute(with_options(params, options)?).await?;
    P::decode(&response)
}

/// Sends the operation and returns the decoded answer with the response's status and headers.
pub async fn send_with_response<P: Operation>(
    core: &Core,
    params: &P,
    options: RequestOptions,
) -> Result<(P::Output, Response), Error> {
    let response = core.execute(with_options(params, options)?).await?;
    Ok((P::decode(&response)?, response))
}

/// Every page of a list, fetched lazily by following `links.next`.
pub fn list_pages<P: ListOperation>(core: Core, params: &P, options: RequestOptions) -> PageStream<'static, P::Item> {
    crate::pages(core, with_options(params, options), P::ENVELOPE)
}
