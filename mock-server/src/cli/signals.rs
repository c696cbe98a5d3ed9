//! The signals that stop the server: SIGTERM and SIGINT on unix, Ctrl-C elsewhere.

/// Listeners registered when created, so a signal that arrives before
/// [`Shutdown::recv`] is awaited still stops the server instead of killing it.
#[derive(Debug)]
pub struct Shutdown {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Shutdown {
    /// Registers the listeners.
    pub fn listen() -> std::io::Result<Shutdown> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Shutdown { term: signal(SignalKind::terminate())?, int: signal(SignalKind::interrupt())? })
        }
        #[cfg(not(unix))]
        Ok(Shutdown {})
    }

    /// Waits for the first signal and names it.
    pub async fn recv(mut self) -> std::io::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => Ok("SIGTERM"),
                _ = self.int.recv() => Ok("SIGINT"),
            }
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
    }
}
