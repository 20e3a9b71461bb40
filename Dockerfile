# The app image: one image, three commands (`ombudsflow worker`, `ombudsflow api`,
# `ombudsflow migrate`); see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# What WeasyPrint needs for `GET /letters/{id}.pdf`, absent from the slim image: Pango (text
# layout) through fontconfig, and the fonts letters/*.css names ("Liberation Sans"/"Serif").
# Without the fonts a letter falls back to another, wider font and its letterhead wraps.
# From the distribution, as bin/_debian.sh installs them for bin/run and bin/test, so the
# image and the test machines render letters from the same font files.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY letters ./letters
COPY ombudsflow ./ombudsflow
COPY config ./config
# Bytecode for everything, written now: the worker's sandbox imports workflows/ afresh for
# every complaint it loads, and PYTHONDONTWRITEBYTECODE (above) would have it compile the
# source each time (worker/main.py compile_workflow_modules; the user below cannot write).
RUN pip install --compile . && python -m compileall -q /app \
    && useradd --system --home-dir /app ombudsflow
# The installed package cannot see the checkout's config/: name the example explicitly
# (mount your own file and point DIRECTORY_FILE at it).
ENV DIRECTORY_FILE=/app/config/directory.example.toml

USER ombudsflow
EXPOSE 8000
CMD ["ombudsflow", "api"]
