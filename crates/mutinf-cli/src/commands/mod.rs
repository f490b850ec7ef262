//! One module per subcommand: its clap arguments and its `run`.

pub mod bench;
pub mod calibrate;
mod data;
pub mod estimate;
pub mod generate;
pub mod matrix;
mod methods;
pub mod train;
pub mod train_head;
