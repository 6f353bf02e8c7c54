"""A standalone Spark cluster on this machine, for the tests and the benchmark: a master and a worker started as
separate processes by the pyspark distribution's own launcher (bin/spark-class), as a user's cluster runs them.
In production the cluster is the user's: the platform only needs its address (INDICATORS_SPARK_MASTER, see
docs/environment.md)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def standalone_cluster(workdir: Path, *, cores: int = 2, memory: str = "2g", timeout: float = 90):
    """Start a master and one worker (`cores`, `memory`), wait until the worker has joined, yield the master's
    URL and the environment a driver needs (SPARK_HOME, the Python of this process); stop both afterwards."""
    import pyspark

    home = Path(pyspark.__file__).parent
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
           "SPARK_WORKER_DIR": str(workdir / "work")}  # fmt: skip
    port, ui, worker_ui = free_port(), free_port(), free_port()
    master_url = f"spark://127.0.0.1:{port}"
    launcher = str(home / "bin" / "spark-class")
    master_log, worker_log = (workdir / "master.log").open("w"), (workdir / "worker.log").open("w")
    processes = [
        subprocess.Popen(  # noqa: S603 - the pyspark distribution's own launcher
            [launcher, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
             "--webui-port", str(ui)],
            env=env, stdout=master_log, stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(  # noqa: S603 - the pyspark distribution's own launcher
            [launcher, "org.apache.spark.deploy.worker.Worker", master_url, "--host", "127.0.0.1", "--cores",
             str(cores), "--memory", memory, "--webui-port", str(worker_ui)],
            env=env, stdout=worker_log, stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                state = json.load(urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2))
                if state.get("aliveworkers", 0) >= 1:
                    break
            except (OSError, ValueError):  # not listening yet, or its page before the JSON is served
                pass
            if time.monotonic() > deadline:
                raise ClusterError("le cluster Spark ne démarre pas : " + (workdir / "worker.log").read_text()[-2000:])
            time.sleep(1)
        yield master_url, env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        master_log.close()
        worker_log.close()
