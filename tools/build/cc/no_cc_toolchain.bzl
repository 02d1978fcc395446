"""A C++ toolchain that compiles nothing, for Bazel 4.2.3's Python rules.

Bazel 4's native py_test asks toolchain resolution for a C++ toolchain even
though tmgg builds no C++. Bazel's own answer, @local_config_cc, probes the
host's compilers on every fresh output base (about 1 s on 2 cores: a tenth of
a fresh clone's fully cached run). tools/bazel sets
BAZEL_DO_NOT_DETECT_CPP_TOOLCHAIN=1, which skips that probe and leaves no C++
toolchain, and WORKSPACE registers this one in its place. Any attempt to
compile C++ with it fails at analysis, naming this file.
"""

def _no_cc_toolchain_config_impl(ctx):
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        toolchain_identifier = "tmgg-no-cc",
        host_system_name = "local",
        target_system_name = "local",
        target_cpu = "k8",
        target_libc = "unknown",
        compiler = "none (tools/build/cc/no_cc_toolchain.bzl: tmgg builds no C++)",
        abi_version = "unknown",
        abi_libc_version = "unknown",
    )

no_cc_toolchain_config = rule(
    implementation = _no_cc_toolchain_config_impl,
    provides = [CcToolchainConfigInfo],
)
