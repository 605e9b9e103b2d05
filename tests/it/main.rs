//! The integration tests, one binary (as ripgrep does): linking the GUI and the server
//! once instead of once per file. Each module is one capability; all share `support`
//! (moto, the local stack, the sandboxed command line).

mod support;

mod api;
mod app;
mod authorizer;
mod backend_aws;
mod backend_handlers;
mod cli;
mod cli_convert;
mod cognito_devices;
mod cognito_mfa_setup;
mod cognito_moto;
mod cognito_password;
mod cognito_peers;
mod cognito_srp;
mod cognito_transport;
mod convert;
mod crash_safe;
mod faults;
mod fuzz;
mod identity;
mod keyring;
mod local_stack;
mod oauth;
mod render_budget;
mod session;
mod stand_in;
