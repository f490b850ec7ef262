//! One module per subcommand: its clap arguments and its `run`.

pub mod generate;
pub mod train;
