//! One module per subcommand: its clap arguments and its `run`.

pub mod bench;
pub mod calibrate;
pub mod cluster;
pub mod conditional;
mod data;
pub mod entropy;
pub mod estimate;
pub mod generate;
pub mod lagged;
pub mod matrix;
mod methods;
pub mod proficiency;
pub mod sizenorm;
mod statistic;
pub mod stream;
pub mod te;
pub mod train;
pub mod train_head;
