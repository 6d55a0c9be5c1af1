//! [`Client`]: the configuration and the HTTP side of one server, shared by every API it
//! hands out. Cheap to clone; may be dropped before or after its write APIs.

use std::sync::Arc;

use crate::api::ManagementApi;
use crate::config::{ClientConfig, Conf, Scope};
use crate::error::{Error, Result};
use crate::http::Http;
use crate::write::{Listener, WriteApi};

/// Shared, immutable client state.
#[derive(Debug)]
pub struct ClientShared {
    pub config: ClientConfig,
    pub http: Http,
    /// Write-scope options set on the client conf: the base for every write API.
    pub write_defaults: Conf,
}

/// A configured InfluxDB client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    shared: Arc<ClientShared>,
}

impl Client {
    pub fn new(conf: &Conf) -> Result<Client> {
        let config = conf.client_config()?;
        let http = Http::new(&config)?;
        let mut write_defaults = Conf::new();
        write_defaults.merge_from(conf);
        Ok(Client {
            shared: Arc::new(ClientShared {
                config,
                http,
                write_defaults,
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// The HTTP side (pooled connections, auth) shared by every API of this client.
    pub fn http(&self) -> &Http {
        &self.shared.http
    }

    /// The management and status calls (ping, health, buckets, orgs, delete).
    pub fn management(&self) -> ManagementApi {
        ManagementApi::new(self.clone())
    }

    /// Create a write API. `overrides` holds write options; a client-scope key there is an error.
    pub fn write_api(
        &self,
        overrides: Option<&Conf>,
        listener: Option<Arc<dyn Listener>>,
    ) -> Result<WriteApi> {
        let mut conf = self.shared.write_defaults.clone();
        if let Some(o) = overrides {
            if let Some(key) = o.keys_in_scope(Scope::Client).next() {
                return Err(Error::config(format!(
                    "{key}: is a client option; set it on the conf passed to influx_client_new"
                )));
            }
            conf.merge_from(o);
        }
        let opts = conf.write_options()?;
        WriteApi::new(self.shared.clone(), opts, listener)
    }

    /// Flux queries (cursor or raw CSV) against this client's server.
    pub fn query_api(&self) -> crate::query::QueryApi {
        crate::query::QueryApi::new(self.shared.clone())
    }
}
