//! The command line's sentences, one file per command (and `start` for what `main` says
//! when the program cannot start); the commands name them, never spell them.

pub mod challenge;
pub mod convert;
pub mod help;
pub mod login;
pub mod logout;
pub mod ls;
pub mod profile;
pub mod prompt;
pub mod serve;
pub mod start;
