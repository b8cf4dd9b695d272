# Local stand-in for ghcr.io/ggml-org/llama.cpp:server: llama.cpp's llama-server built from the
# source vendored in PyPI's llama-cpp-python sdist (scripts/build-llama-server.sh), at the
# official image's path /app/llama-server, with curl for the health check. Built by
# tests/compose/standins.sh (only for the opt-in LLM run of the compose test).
FROM ala-standin/bookworm-minbase:latest
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*
COPY llama-server /app/llama-server
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s CMD ["curl", "-fsS", "http://localhost:8080/health"]
ENTRYPOINT ["/app/llama-server"]
