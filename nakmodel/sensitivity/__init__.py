"""Global sensitivity analysis and forward uncertainty propagation over uncertain inputs."""
