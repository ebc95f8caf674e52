# webapi-contract as an image: `docker build -t webapi-contract .` (from the repository root: the
# wheel carries schemas/ and docs/vendor/), then
#   docker run --rm -v "$PWD/reports:/reports" --user "$(id -u):$(id -g)" webapi-contract
# runs the suite against the embedded mock; against a tenant, give the WEBAPI_* variables:
#   docker run --rm -v "$PWD/reports:/reports" -e WEBAPI_BASE_URL -e WEBAPI_TICKET webapi-contract
# Any other subcommand: docker run --rm webapi-contract selfcheck --faults 412-ignored

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY schemas ./schemas
COPY docs/vendor ./docs/vendor
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /dist /dist
RUN python -m pip install --no-cache-dir /dist/*.whl \
    && rm -rf /dist \
    && useradd --create-home --uid 10001 contract \
    && mkdir /reports \
    && chown contract /reports
USER 10001
WORKDIR /home/contract
VOLUME /reports
ENTRYPOINT ["webapi-contract"]
CMD ["run", "--report-dir", "/reports"]
