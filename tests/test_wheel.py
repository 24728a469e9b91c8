"""Install without make: the wheel, installed into a fresh virtual environment, drafts from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_drafts_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=300)
    [wheel] = wheels.glob("caogao-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("caogao/data/sections.yaml", "caogao/data/skeleton.yaml", "caogao/data/templates/reference.docx",
                    "caogao/data/templates/上半年.j2"):
        assert shipped in names
    assert any(n.startswith("caogao/data/corpus/") for n in names)
    assert any(n.startswith("caogao/data/model-") and n.endswith(".json.gz") for n in names)
    assert any(n.startswith("caogao/data/tags-") and n.endswith(".json.gz") for n in names)

    env_dir = tmp_path / "新 环境"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=300)
    # The dependencies come from this test's environment: no network is needed.
    env = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"], CAOGAO_HOME=str(tmp_path / "家"))
    work = tmp_path / "我的 文件夹"
    work.mkdir()

    def caogao(*args):
        return subprocess.run([str(bin_dir / "caogao"), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=600)

    where = subprocess.run([str(bin_dir / "python"), "-c", "import caogao; print(caogao.__file__)"],
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where  # the installed wheel, not the checkout
    assert caogao("--version").stdout.startswith("caogao ")
    init = caogao("init")
    assert init.returncode == 0 and (work / "事实.yaml").is_file(), init.stderr
    build = caogao("build", "事实.yaml", "-o", "草稿.docx")
    assert build.returncode == 0, build.stderr
    assert (work / "草稿.docx").stat().st_size > 10_000
