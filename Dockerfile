# syntax=docker/dockerfile:1
# Khối production image: one image for web (gunicorn), worker and beat (celery); see
# docker-compose.yml. Python 3.11 on Debian 12, the same Debian libraries as
# scripts/install-system-deps.sh (minus the test-only poppler-utils and chromium).
#
#   docker build -t khoi .

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: dependencies into /opt/venv, translations compiled, static files collected -------
FROM ${PYTHON_IMAGE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Dependencies first (their own layer: a source change does not reinstall them). The project
# itself is not installed as a package: it runs from /app, where BASE_DIR finds templates/,
# static/ and locale/ beside the code.
WORKDIR /app
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# Only what the app needs at run time goes to /app (not .venv, var/, tests, .git); the rest of
# the build context stays in this stage, which the final image does not keep.
COPY . /src
RUN set -eu; cd /src; \
    cp -a manage.py khoi subcommittees campaigns reports /app/; \
    for d in templates static locale; do if [ -d "$d" ]; then cp -a "$d" /app/; fi; done; \
    find /app -name __pycache__ -type d -prune -exec rm -rf {} +
RUN if find . -name '*.po' | grep -q .; then python manage.py compilemessages -v 0; fi \
 && DEBUG=0 STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0 \
 && python -m compileall -q khoi subcommittees campaigns reports

# ---- runtime ---------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH PYTHONPATH=/app DJANGO_SETTINGS_MODULE=khoi.settings \
    DEBUG=0 STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/data/media KHOI_VAR_DIR=/data/var
# WeasyPrint needs Pango/HarfBuzz; fonts-liberation2 (not fonts-liberation) has the Vietnamese
# letters of Liberation Serif, metric-compatible with Times New Roman.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 khoi \
 && useradd --system --uid 10001 --gid khoi --home-dir /app --shell /usr/sbin/nologin khoi \
 && mkdir -p /data/media /data/var \
 && chown -R khoi:khoi /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER khoi
VOLUME ["/data/media"]
EXPOSE 8000
# Default command: the web server (docker-compose.yml sets the worker's and beat's).
CMD ["gunicorn", "khoi.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--timeout", "60", "--access-logfile", "-", "--error-logfile", "-"]
