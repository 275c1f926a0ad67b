# syntax=docker/dockerfile:1
# TcpLb as one Native AOT binary on a minimal base image.
#   docker build -t tcplb:0.1.0 .
#   docker run --rm -p 8080:8080 -v "$PWD/tcplb.yaml:/etc/tcplb/tcplb.yaml:ro" tcplb:0.1.0
# The config file's listeners must listen on the container's addresses ("*:8080"), not 127.0.0.1, and the
# admin endpoint on "*:8411" (with a token: admin.tokenFile or TCPLB_ADMIN_TOKEN) for the probes to reach it.

# --- build: the SDK plus what Native AOT links with (clang, zlib) ----------------------------------------
# Both stages use the same Ubuntu release, so the binary finds the glibc it was linked against.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, from the project files alone, so a source change does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/TcpLb/TcpLb.csproj src/TcpLb/
COPY src/TcpLb.ProxyProtocol/TcpLb.ProxyProtocol.csproj src/TcpLb.ProxyProtocol/
RUN dotnet restore src/TcpLb -r linux-x64 -p:PublishAot=true
COPY src/ src/
# Warnings are errors in this repository: a trim or AOT warning fails the image build.
RUN dotnet publish src/TcpLb -c Release -r linux-x64 -p:PublishAot=true --no-restore -o /out \
 && rm -f /out/*.dbg /out/*.pdb /out/*.xml

# --- run: only the base libraries a native binary links with (glibc and friends), no .NET runtime -----------
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble
COPY --from=build /out/tcplb /usr/local/bin/tcplb
# The image's unprivileged user (uid 1654, $APP_UID): TcpLb needs no privilege. Listen on ports >= 1024
# (8080), or grant the capability to bind low ports in the orchestrator instead of running as root.
USER $APP_UID
# The traffic port of the default config, and the admin endpoint (/metrics, /healthz, /ready).
EXPOSE 8080 8411
# SIGTERM starts the drain: stop accepting, let connections finish up to drainTimeout, reset the rest, exit 0.
# Give the container longer than drainTimeout to stop (docker stop -t 40; Kubernetes terminationGracePeriodSeconds).
# TcpLb runs as PID 1 without an init (tini, dumb-init): .NET installs its own SIGTERM/SIGINT handlers, so
# the kernel's "PID 1 ignores signals it does not handle" rule does not bite, and TcpLb starts no child
# processes, so there are no orphans for an init to reap.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tcplb", "run", "--config", "/etc/tcplb/tcplb.yaml"]
