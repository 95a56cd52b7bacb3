# regmock as a CI service container: `docker build -t regmock .` then `docker run -p 8080:8080 regmock`.
# Build stage: the locked dependency graph, a release binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin regmock

# Final stage: the binary alone, as a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home regmock
COPY --from=build /src/target/release/regmock /usr/local/bin/regmock
USER 10001
# glibc gives each thread its own malloc arena; two keep a long-running serve's memory flat (see BENCHMARKS.md).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
# No HEALTHCHECK: the slim image has no HTTP client. Probe GET /__regmock/health from outside (see README).
ENTRYPOINT ["regmock"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
