//! Lazy streams over every page of a list, following `links.next` verbatim.

use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use serde::de::DeserializeOwned;

use crate::{Core, Error, Method, Page, Request, decode_page};

/// A stream of pages; an error is yielded once and ends it. Streams made by the client own
/// what they need (`PageStream<'static, T>`), so they can be moved into a spawned task.
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<Page<T>, Error>> + Send + 'a>>;
/// A stream of records across pages; an error is yielded once and ends it.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

enum State {
    Next(Request),
    Failed(Error),
    Done,
}

/// Pages of a list: the first request, then each `links.next` URL as given.
pub fn pages<T>(core: Core, first: Result<Request, Error>, envelope: &'static str) -> PageStream<'static, T>
where
    T: DeserializeOwned + Send + 'static,
{
    let start = match first {
        Ok(request) => State::Next(request),
        Err(err) => State::Failed(err),
    };
    Box::pin(stream::unfold(start, move |state| {
        let core = core.clone();
        async move {
            let request = match state {
                State::Done => return None,
                State::Failed(err) => return Some((Err(err), State::Done)),
                State::Next(request) => request,
            };
            let options = request.options.clone();
            let page = match core.execute(request).await {
                Ok(response) => decode_page::<T>(&response, envelope),
                Err(err) => Err(err),
            };
            match page {
                Ok(page) => {
                    let next = match &page.links.next {
                        Some(url) if !url.is_empty() => {
                            let mut request = Request::new(Method::GET, url.clone(), true);
                            request.options(options);
                            State::Next(request)
                        }
                        _ => State::Done,
                    };
                    Some((Ok(page), next))
                }
                Err(err) => Some((Err(err), State::Done)),
            }
        }
    }))
}

/// The records of every page, in order.
pub fn items<'a, T: Send + 'a>(pages: PageStream<'a, T>) -> ItemStream<'a, T> {
    Box::pin(pages.flat_map(|page| {
        let items: Vec<Result<T, Error>> = match page {
            Ok(page) => page.items.into_iter().map(Ok).collect(),
            Err(err) => vec![Err(err)],
        };
        stream::iter(items)
    }))
}
