//! TLS settings of a client: `verify_ssl`, `ssl_ca_cert`, client certificates.

use std::sync::Arc;

use crate::config::ClientConfig;
use crate::error::{Error, Result};

pub(crate) fn tls_config(cfg: &ClientConfig) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS setup failed: {e}")))?;
    let builder = if !cfg.verify_ssl {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        match &cfg.ssl_ca_cert {
            Some(path) => {
                for cert in read_pem_certs(path, "ssl_ca_cert")? {
                    roots.add(cert).map_err(|e| {
                        Error::config(format!(
                            "ssl_ca_cert: invalid certificate in {}: {e}",
                            path.display()
                        ))
                    })?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots)
    };
    match (&cfg.cert_file, &cfg.cert_key_file) {
        (Some(cert), Some(key)) => {
            if cfg
                .cert_key_password
                .as_deref()
                .is_some_and(|p| !p.is_empty())
            {
                return Err(Error::config(
                    "cert_key_password: encrypted private keys are not supported; use an unencrypted PEM key",
                ));
            }
            let certs = read_pem_certs(cert, "cert_file")?;
            let data = std::fs::read(key).map_err(|e| {
                Error::io(format!("cert_key_file: cannot read {}: {e}", key.display()))
            })?;
            let key = rustls_pemfile::private_key(&mut data.as_slice())
                .ok()
                .flatten()
                .ok_or_else(|| Error::config("cert_key_file: no PEM private key found"))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| Error::config(format!("cert_file/cert_key_file: {e}")))
        }
        (None, None) => Ok(builder.with_no_client_auth()),
        _ => Err(Error::config(
            "cert_file and cert_key_file must be set together",
        )),
    }
}

pub(crate) fn read_pem_certs(
    path: &std::path::Path,
    key: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    let data = std::fs::read(path)
        .map_err(|e| Error::io(format!("{key}: cannot read {}: {e}", path.display())))?;
    let certs: std::result::Result<Vec<_>, _> =
        rustls_pemfile::certs(&mut data.as_slice()).collect();
    match certs {
        Ok(c) if !c.is_empty() => Ok(c),
        Ok(_) => Err(Error::config(format!(
            "{key}: no PEM certificate in {}",
            path.display()
        ))),
        Err(e) => Err(Error::config(format!(
            "{key}: invalid PEM in {}: {e}",
            path.display()
        ))),
    }
}

/// `verify_ssl = false`: accept any server certificate (signatures are still checked).
#[derive(Debug)]
pub(crate) struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
