// Give the shared library a SONAME (major version 0 while the ABI is 0.x) so that
// installed binaries link against libinfluxdb_client.so.0.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libinfluxdb_client.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
