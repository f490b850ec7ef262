// `step_time` with mimalloc as the global allocator (the CLI's allocator), for comparison.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

include!("step_time.rs");
