# Multi-stage: build the SPA with node, then a slim Python image that runs `finops serve`.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FINOPS_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY api/ api/
COPY domain/ domain/
COPY adapters/ adapters/
COPY migrations/ migrations/
RUN pip install --no-cache-dir -e . && useradd --system --home /data finops \
    && mkdir -p /data && chown finops /data
COPY --from=frontend /src/frontend/dist frontend/dist
USER finops
VOLUME ["/data"]
EXPOSE 8000
CMD ["finops", "serve", "--host", "0.0.0.0", "--port", "8000"]
