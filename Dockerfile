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
COPY config ./config
RUN pip install . && useradd --system --home-dir /app ombudsflow
# The installed package cannot see the checkout's config/: name the example explicitly
# (mount your own file and point DIRECTORY_FILE at it).
ENV DIRECTORY_FILE=/app/config/directory.example.toml

USER ombudsflow
EXPOSE 8000
CMD ["ombudsflow", "api"]
