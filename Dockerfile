# The app image: one image, three commands (`ombudsflow worker`, `ombudsflow api`,
# `ombudsflow migrate`); see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY letters ./letters
COPY ombudsflow ./ombudsflow
RUN pip install . && useradd --system --home-dir /app ombudsflow

USER ombudsflow
EXPOSE 8000
CMD ["ombudsflow", "api"]
