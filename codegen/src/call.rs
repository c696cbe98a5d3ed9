//! The one generic request type of a generated client, `Call<P>`: timeouts, retries,
//! sending, `.await` and pagination written once over the runtime's `Operation` and
//! `ListOperation` traits.

use proc_macro2::TokenStream;
use quote::quote;

/// The name of the generic request type; group and operation names must not take it.
pub(crate) const CALL: &str = "Call";

pub(crate) fn tokens() -> TokenStream {
    quote! {
        /// One request of an operation: its parameters `P` and per-request options.
        /// Finish it with `.send().await` (or just `.await`); lists also stream.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct Call<P> {
            core: rt::Core,
            options: rt::RequestOptions,
            params: P,
        }
        impl<P: rt::Operation> Call<P> {
            fn new(core: &rt::Core, params: P) -> Self {
                Self { core: core.clone(), options: rt::RequestOptions::default(), params }
            }
            /// The operation's parameters as set so far.
            pub fn params(&self) -> &P {
                &self.params
            }
            /// Overrides the client's total timeout for this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }
            /// Allows (or forbids) retries of this request even when its method is not idempotent.
            pub fn retry(mut self, retry: bool) -> Self {
                self.options.retry = Some(retry);
                self
            }
            /// Sends the request and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<P::Output, rt::Error> {
                rt::send(&self.core, &self.params, self.options).await
            }
            /// Sends the request; returns the decoded answer with the response's status and headers.
            pub async fn send_with_response(self) -> ::std::result::Result<(P::Output, rt::Response), rt::Error> {
                rt::send_with_response(&self.core, &self.params, self.options).await
            }
        }
        impl<P: rt::ListOperation> Call<P> {
            /// Every page, fetched lazily by following `links.next`; an error ends the stream after being yielded.
            pub fn pages(self) -> rt::PageStream<'static, P::Item> {
                rt::list_pages(self.core, &self.params, self.options)
            }
            /// Every record of every page, fetched lazily; an error ends the stream after being yielded.
            pub fn stream(self) -> rt::ItemStream<'static, P::Item> {
                rt::items(self.pages())
            }
        }
        impl<P> ::std::future::IntoFuture for Call<P>
        where
            P: rt::Operation + Send + Sync + 'static,
            P::Output: Send + 'static,
        {
            type Output = ::std::result::Result<P::Output, rt::Error>;
            type IntoFuture = ::std::pin::Pin<Box<dyn ::std::future::Future<Output = Self::Output> + Send>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}
