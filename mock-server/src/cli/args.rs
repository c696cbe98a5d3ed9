//! The command line: flags, their environment variables, and the help text
//! that documents everything else a process-level user needs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use harvest_mock::{Config, OAuthConsent};

use super::StartError;
use super::boolish::Boolish;

/// Shown after the flags of `harvest-mock serve --help`.
const SERVE_AFTER_HELP: &str = r#"Environment:
  Every flag can be set through the variable in its [env: ...]; a flag wins over its variable.
  Boolean variables and flags (--rate-limit, --allow-open-admin) accept true/false, 1/0, yes/no,
  on/off in any case; an empty value means false. A bare flag means true.
  RUST_LOG   log filter (default "info"; RUST_LOG=harvest_mock=debug logs every request)
  NO_COLOR   set to anything to keep colour out of pretty logs even on a terminal

Output:
  stdout  exactly one line, once the server accepts connections, then nothing:
          {"event":"ready","url":"http://127.0.0.1:PORT","api":"http://127.0.0.1:PORT/v2",
           "admin":"http://127.0.0.1:PORT/__admin","pid":N}
          with the real port also for --addr HOST:0; an unspecified address (0.0.0.0, ::)
          is shown as loopback (127.0.0.1, ::1).
  stderr  logs (--log-format), without colour unless stderr is a terminal.
  SIGTERM or SIGINT (Ctrl-C) stops the server gracefully (open requests get 5 s); exit status 0.

API (under /v2 and /api/v2):
  Authorization: Bearer <token> plus Harvest-Account-Id (or the access_token and account_id
  query parameters) and a User-Agent. Unknown path: 404. Known path, undeclared method: 405 with
  Allow. Per-request fault headers:
    Prefer: code=503      answer with that status (Harvest's own body for 400, 401, 403, 404, 429)
    X-Mock-Delay: 300ms   add a delay (at most 60000 ms)
    X-Mock-Fault: reset   cut the connection

Harvest ID (OAuth2; point a client's https://id.getharvest.com at the mock):
  GET    /oauth2/authorize        client_id, response_type=code|token, redirect_uri, state, scope,
                                  account_id (default --account-id); with --oauth-consent auto
                                  (default) consent is automatic (the first administrator, or
                                  user_id=N); with page it is an HTML page listing the account's
                                  users by name and role, each selectable, and "Authorize App"
  POST   /oauth2/authorize        the page's form (the same parameters and user_id): redirects as
                                  the automatic consent does, as the chosen user; "Deny" redirects
                                  with error=access_denied
  POST   /api/v2/oauth2/token     grant_type=authorization_code|refresh_token (form or JSON)
  GET    /api/v2/accounts         the bearer's user and account

Uploaded files: GET /receipts/{account}/{id}/{name} serves an expense's receipt (the `url` it shows).

OpenAPI documents, no credentials: GET /openapi.json (3.1), /openapi-3.0.json (3.0.3), /operations.md;
the admin API, hosted connector API, Harvest ID and search: GET /admin-openapi.json

Accounts: every Harvest-Account-Id value is an account of its own, created on first use as a
copy of the seeded account (--account-id is the default one, saved by --state); the least
recently used beyond --max-accounts are forgotten. Admin calls act on the account their
Harvest-Account-Id header or account_id query names, else on the whole server:
  GET    /__admin/accounts                   live account ids
  POST   /__admin/snapshots                  save a copy of the account: {"id":"snap_1",...}
  GET    /__admin/snapshots                  the saved copies; DELETE /__admin/snapshots/{id}
  POST   /__admin/snapshots/{id}/restore     put the copy back (into the named account, if any)
  GET    /__admin/clock                      {"now":...,"frozen":...}
  POST   /__admin/clock                      {"now":"2026-03-01T09:00:00Z","freeze":true},
                                             {"advance_seconds":3600} or {"system":true}

Agent connector, hosted mode (SDK_DEV_ADP_API_HOST=<mock url>):
  POST   /api/v1/account/applications/token                     {"client_id","client_secret"}
  POST   /api/v1/integrations/connectors/{id}/execute           {"entity","action","params"}

Admin API (under /__admin; with --admin-token, send Authorization: Bearer <admin token>
or X-Admin-Token: <admin token>, otherwise 401):
  GET    /__admin/health     {"status":"ok","seed":...,"scale":...,"operations":...}; while starting
                             (the port is bound first) 503 {"status":"seeding","progress":{...}}
  POST   /__admin/reset      clears the data (back to the current seed and scale), the journal
                             and the faults; {"journal":true} or ?journal=true clears only what
                             is named true, {"data":false} all but what is named false
  POST   /__admin/seed       {"seed":7,"scale":2}: a new account
  POST   /__admin/import     {"clients":[...],"projects":[...],...}: replaces the account's data
                             with fixtures (as `harvest-mock export` writes them); 422 with every
                             problem ({"errors":[{"resource","index","field","value","message"}]})
                             and nothing changed when any record is invalid
  GET    /__admin/requests   journal of the last 1000 API requests ({"requests":[...],"count":N}):
                             time, account, method, path, query, status, duration_ms, headers
                             and body (credentials redacted, body capped at 8 KiB); filters
                             method, path_prefix, account, status (503 or 5xx), since, until
                             (RFC 3339); DELETE clears it
  POST   /__admin/faults     a fault rule: path_prefix, method, status, body, latency_ms,
                             drop_connection, count, fraction; answers it with its id; GET lists
                             them, DELETE clears them, DELETE /__admin/faults/{id} removes one
  POST   /__admin/tokens     {"user_id":N}: a personal API token acting as that user
  Binding a non-loopback --addr without --admin-token is refused unless --allow-open-admin."#;

/// An RFC 3339 instant (`2026-03-01T09:00:00Z`).
pub fn instant(value: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.to_utc())
        .map_err(|e| format!("`{value}` is not an RFC 3339 instant such as 2026-03-01T09:00:00Z ({e})"))
}

/// `ID:SECRET` → (id, secret); both parts must be non-empty.
fn id_and_secret(value: &str) -> Result<(String, String), String> {
    match value.split_once(':') {
        Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok((id.to_string(), secret.to_string())),
        _ => Err(format!("`{value}` is not ID:SECRET (a client id and its secret, separated by a colon)")),
    }
}

/// A stateful, spec-driven imitation of the Harvest v2 API.
#[derive(Debug, Parser)]
#[command(
    name = "harvest-mock",
    version,
    after_help = "Run `harvest-mock serve --help` for every flag and variable, the ready line, \
                  the admin API and the fault headers; `harvest-mock export --help` for fixtures."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(Serve),
    /// Write one account as fixtures: one JSON file per resource, in the API's own shape.
    #[command(after_help = super::export::EXPORT_AFTER_HELP)]
    Export(super::export::Export),
}

/// How logs are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line (`timestamp`, `level`, `target`, `message` and the event's fields).
    Json,
}

/// How Harvest ID's authorize endpoint gets consent (`--oauth-consent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Consent {
    /// At once, as the first administrator or as `user_id=N`.
    Auto,
    /// An HTML page where a person picks the user and clicks "Authorize App".
    Page,
}

impl From<Consent> for OAuthConsent {
    fn from(c: Consent) -> OAuthConsent {
        match c {
            Consent::Auto => OAuthConsent::Auto,
            Consent::Page => OAuthConsent::Page,
        }
    }
}

/// Where the data comes from, the same for `serve` and `export`.
#[derive(Debug, clap::Args)]
pub struct Data {
    /// Seed of the generated data: the same seed gives byte-identical responses.
    #[arg(long, env = "HARVEST_MOCK_SEED", default_value_t = 42)]
    pub seed: u64,
    /// Multiplier of every resource's record count (500 gives 1,000,000 time entries).
    #[arg(long, env = "HARVEST_MOCK_SCALE", default_value_t = 1.0)]
    pub scale: f64,
    /// Spec file or directory (default: the embedded Harvest spec).
    #[arg(long, env = "HARVEST_MOCK_SPEC")]
    pub spec: Option<PathBuf>,
    /// Freeze the mock's clock at this instant (RFC 3339, e.g. 2026-03-01T09:00:00Z); seeded dates
    /// are laid out back from it. Default: the system clock.
    #[arg(long, env = "HARVEST_MOCK_NOW", value_name = "INSTANT", value_parser = instant)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

impl Data {
    /// Why these flags cannot give data: a scale that is not a positive number.
    pub fn check(&self) -> Result<(), StartError> {
        if self.scale.is_finite() && self.scale > 0.0 { Ok(()) } else { Err(StartError::Scale(self.scale)) }
    }
}

/// Flags of `serve`.
#[derive(Debug, clap::Args)]
pub struct Serve {
    /// Address to listen on (port 0 picks a free port; see the ready line).
    #[arg(long, env = "HARVEST_MOCK_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    data: Data,
    /// Accepted API token (repeat or comma-separate; default: any non-empty token).
    #[arg(long, env = "HARVEST_MOCK_TOKEN", value_delimiter = ',')]
    token: Vec<String>,
    /// Enforce Harvest's rate limits (100 requests per 15 s per token, reports 100 per 15 min).
    #[arg(long, env = "HARVEST_MOCK_RATE_LIMIT", value_name = "BOOL", num_args = 0..=1,
          default_value = "false", default_missing_value = "true", action = ArgAction::Set, value_parser = Boolish)]
    rate_limit: bool,
    /// Delay added to every API response, in milliseconds.
    #[arg(long, env = "HARVEST_MOCK_LATENCY", default_value_t = 0)]
    latency: u64,
    /// Keep the default account in this SQLite database across restarts (created when missing;
    /// every write is committed before it is answered; any other file is refused, untouched).
    #[arg(long, env = "HARVEST_MOCK_STATE")]
    state: Option<PathBuf>,
    /// Load the default account from these fixtures (`harvest-mock export` files) at every start,
    /// replacing its seeded or saved data; any invalid record stops the start, listing them all.
    #[arg(long, env = "HARVEST_MOCK_FIXTURES", value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Log format on stderr: pretty (human-readable lines) or json (one JSON object per line).
    // Possible values with help would switch the whole --help to the long layout.
    #[arg(long, env = "HARVEST_MOCK_LOG_FORMAT", value_enum, ignore_case = true, hide_possible_values = true,
          default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// Token the admin API (/__admin) requires; empty means none.
    #[arg(long, env = "HARVEST_MOCK_ADMIN_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// OAuth client Harvest ID accepts, as ID:SECRET (repeat or comma-separate; default: any).
    #[arg(long, env = "HARVEST_MOCK_OAUTH_CLIENTS", value_name = "ID:SECRET", value_delimiter = ',',
          value_parser = id_and_secret, hide_env_values = true)]
    oauth_client: Vec<(String, String)>,
    /// Lifetime of an OAuth access token, in seconds (Harvest's 14 days by default).
    #[arg(long, env = "HARVEST_MOCK_TOKEN_TTL", value_name = "SECONDS", default_value_t = 1_209_600)]
    token_ttl: u64,
    /// How GET /oauth2/authorize gets consent: auto (at once, as the first administrator or
    /// user_id=N) or page (an HTML page listing the account's users, with an "Authorize App" button).
    #[arg(long, env = "HARVEST_MOCK_OAUTH_CONSENT", value_name = "auto|page", value_enum, ignore_case = true,
          hide_possible_values = true, default_value_t = Consent::Auto)]
    oauth_consent: Consent,
    /// The account id OAuth tokens are issued for and the hosted connector API reads.
    #[arg(long, env = "HARVEST_MOCK_ACCOUNT_ID", value_name = "ID", default_value_t = 1)]
    account_id: i64,
    /// Client of the hosted connector API (/api/v1), as ID:SECRET (repeat or comma-separate; default: any).
    #[arg(long, env = "HARVEST_MOCK_CONNECTOR_CLIENTS", value_name = "ID:SECRET", value_delimiter = ',',
          value_parser = id_and_secret, hide_env_values = true)]
    connector_client: Vec<(String, String)>,
    /// Accounts (Harvest-Account-Id values) kept before the least recently used one is evicted.
    #[arg(long, env = "HARVEST_MOCK_MAX_ACCOUNTS", value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_accounts: u32,
    /// Allow a non-loopback --addr without --admin-token (anyone who reaches it can reset the account).
    #[arg(long, env = "HARVEST_MOCK_ALLOW_OPEN_ADMIN", value_name = "BOOL", num_args = 0..=1,
          default_value = "false", default_missing_value = "true", action = ArgAction::Set, value_parser = Boolish)]
    allow_open_admin: bool,
}

impl Serve {
    /// The server's configuration, or why these flags cannot start one.
    pub fn config(self) -> Result<Config, StartError> {
        self.data.check()?;
        let admin_token = self.admin_token.filter(|t| !t.is_empty());
        if admin_token.is_none() && !self.addr.ip().is_loopback() && !self.allow_open_admin {
            return Err(StartError::OpenAdmin(self.addr));
        }
        Ok(Config {
            addr: self.addr,
            seed: self.data.seed,
            scale: self.data.scale,
            spec: self.data.spec,
            tokens: self.token.into_iter().filter(|t| !t.is_empty()).collect(),
            rate_limit: self.rate_limit,
            latency: Duration::from_millis(self.latency),
            state: self.state,
            fixtures: self.fixtures,
            admin_token,
            oauth_clients: self.oauth_client,
            token_ttl: Duration::from_secs(self.token_ttl),
            oauth_consent: self.oauth_consent.into(),
            account_id: self.account_id,
            connector_clients: self.connector_client,
            now: self.data.now,
            max_accounts: self.max_accounts as usize,
            ..Config::default()
        })
    }
}
