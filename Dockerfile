# Lotsen: slim Python, non-root, the knowledge baked in. Default: lotsen serve.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOTSEN_KNOWLEDGE_DIR=/app/knowledge \
    LOTSEN_ROUTING_FILE=/app/routing_rules.yaml \
    LOTSEN_DATABASE_URL=sqlite:////data/lotsen.db \
    LOTSEN_HTTP_PORT=8080
RUN useradd --create-home --uid 10001 lotsen && mkdir -p /data /app && chown lotsen:lotsen /data
COPY --from=build /install /usr/local
COPY knowledge /app/knowledge
COPY routing_rules.yaml /app/routing_rules.yaml
WORKDIR /app
USER lotsen
VOLUME ["/data"]
EXPOSE 8080
# An invalid knowledge base stops lotsen at start with the same messages as `lotsen kb check`;
# the health check reads /healthz of the one HTTP server.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"LOTSEN_HTTP_PORT\"]}/healthz', timeout=4)" || exit 1
CMD ["lotsen", "serve"]
