"""The app's own settings, plus yardstick views that only the benchmarks serve.

bench_web.py runs gunicorn with DJANGO_SETTINGS_MODULE=bench.bench_settings, so that
``/bare-write`` exists in the benchmark run and never in a deployment.
"""

from mm_program.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
