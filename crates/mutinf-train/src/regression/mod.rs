//! Training InfoNet's regression readout ([`mutinf_models::regression`]) against the true MI of
//! simulated distributions: [`data`] (families, truths, features), the validation set and the
//! resumable loop ([`train_head`]).

pub mod data;
mod trainer;
mod validation;

pub use data::{HeadDataConfig, HeadFamily};
pub use trainer::{
    HeadMetric, HeadObserver, HeadOptimizer, HeadRunState, HeadTrainConfig, HeadTrainRequest, HeadTrainSummary, train_head,
};
pub use validation::{HeadValidation, HeadValidationSet};
