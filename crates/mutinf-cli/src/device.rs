//! Device selection (CPU or GPU) for the burn-based commands. The only place that names a
//! backend; libraries take a `burn::tensor::Device`.

use burn::tensor::Device;
use clap::ValueEnum;

/// Use mimalloc as the global allocator: burn's CPU backends allocate a lot of short-lived
/// buffers, and glibc's default malloc spends as much system time as compute on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Where the network runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
    /// CPU (all cores, via rayon).
    Cpu,
    /// GPU via wgpu (Vulkan, Metal or DX12); needs a build with `--features gpu`.
    Gpu,
}

/// Which CPU backend runs the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CpuBackend {
    /// burn's `flex` backend (pure Rust, SIMD, rayon): the faster one for InfoNet here.
    Flex,
    /// burn's `ndarray` backend (deprecated in burn 0.22, kept for familiarity).
    Ndarray,
}

/// The burn device for the user's choice, or an error that says how to fall back.
pub fn select(choice: DeviceChoice, cpu: CpuBackend) -> anyhow::Result<Device> {
    match choice {
        DeviceChoice::Cpu => Ok(match cpu {
            CpuBackend::Flex => Device::flex(),
            #[allow(deprecated)]
            CpuBackend::Ndarray => Device::ndarray(),
        }),
        DeviceChoice::Gpu => gpu(),
    }
}

/// Concurrent InfoNet passes for the user's choice (see `InfoNet::with_lanes`): one per thread
/// of the pool burn's CPU backends run on (all cores, or `RAYON_NUM_THREADS`); one on a GPU.
pub fn inference_lanes(choice: DeviceChoice) -> usize {
    match choice {
        DeviceChoice::Cpu => rayon::current_num_threads(),
        DeviceChoice::Gpu => 1,
    }
}

#[cfg(feature = "gpu")]
fn gpu() -> anyhow::Result<Device> {
    use burn::tensor::{DeviceKind, Tensor};
    // The default wgpu selection skips software adapters; DefaultDevice also finds lavapipe.
    let probe = std::panic::catch_unwind(|| {
        let device = Device::wgpu(DeviceKind::DefaultDevice);
        let t = Tensor::<1>::from_floats([1.0, 2.0], &device);
        let _ = t.sum().into_scalar::<f32>();
        device
    });
    probe.map_err(|_| {
        anyhow::anyhow!(
            "no usable GPU adapter (wgpu found no Vulkan/Metal/DX12 device); install a GPU driver \
             (or Mesa's lavapipe for a slow software test) or use --device cpu"
        )
    })
}

#[cfg(not(feature = "gpu"))]
fn gpu() -> anyhow::Result<Device> {
    anyhow::bail!("this mutinf was built without GPU support; rebuild with `cargo build --release -p mutinf-cli --features gpu` or use --device cpu")
}
