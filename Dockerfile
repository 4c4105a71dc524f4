# The app in one container:
#   docker build -t pytorch-by-sliders .
#   docker run --rm -p 8501:8501 pytorch-by-sliders      # then open http://localhost:8501
FROM python:3.11-slim

# No .pyc files written at run time, logs unbuffered, no pip cache kept in a layer.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The server runs as an unprivileged user; the code stays owned by root, read-only to it.
RUN useradd --create-home --uid 10001 app
WORKDIR /app

# Dependencies before the code, so a code change does not reinstall torch. The same file that
# `make` and Streamlit Community Cloud read: it names PyTorch's CPU index, so torch is the
# ~200 MB CPU build, not PyPI's multi-GB CUDA build.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# By number: Kubernetes' runAsNonRoot can only check a numeric user.
USER 10001

EXPOSE 8501
# python:3.11-slim has no curl: ask the health endpoint with Python (urlopen raises on failure).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "streamlit_app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
