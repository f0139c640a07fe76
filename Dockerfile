# The app as one container: one Streamlit process (one core). For more students, run
# several replicas behind a load balancer with sticky sessions (deploy/kubernetes.yaml).
#   docker build -t lstm-explainer . && docker run -p 8501:8501 lstm-explainer
# Not built here (no Docker engine on the machine this was written on).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

# only what the app runs: the entry, its pages, the UI, the engine, the settings and
# the launcher that imports them before the server starts (scripts/run_app.py)
COPY app.py ./
COPY .streamlit/ .streamlit/
COPY ui/ ui/
COPY views/ views/
COPY lstm_core/ lstm_core/
COPY scripts/run_app.py scripts/

RUN useradd --create-home --uid 10001 app
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"
CMD ["python", "scripts/run_app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
