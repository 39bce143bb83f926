"""The kernel: helpers every app may use. Django, the standard library and third-party
packages only; never a project app (the layers point down: market > merchants > payments >
ocop_catalog > core)."""
