"""Old Word (.doc) and WPS (.wps) files, turned into .docx by LibreOffice when it is installed.

Township offices keep years of reports in these formats. caogao reads no binary Office
format itself; ``soffice --headless --convert-to docx`` does it, in a temporary folder and
with a time limit, and the .docx it writes goes through the same guards as any other.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from caogao.corpus.files import LEGACY, SAVE_AS, check_file, read_bytes
from caogao.errors import InputError
TIMEOUT = 120  # seconds: a first start of LibreOffice takes a few; a hang must not hang caogao


def converted_docx_bytes(path: Path) -> bytes:
    """The bytes of the .docx LibreOffice makes of ``path``, or InputError saying to save it as .docx."""
    what = LEGACY[path.suffix.lower()]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(f"{what} 格式无法直接读取，本机也没有可用来转换的 LibreOffice（soffice）", file=path,
                         hint=f"{SAVE_AS}；或安装 LibreOffice 后再试")
    check_file(path)
    with tempfile.TemporaryDirectory(prefix="caogao-") as tmp:
        # A private profile: LibreOffice refuses to start beside an open one (a user's own window).
        profile = (Path(tmp) / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
                   "--outdir", tmp, str(path)]
        try:
            subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice 转换 {what} 超过 {TIMEOUT} 秒仍未完成", file=path, hint=SAVE_AS) from None
        except OSError as exc:
            raise InputError(f"无法运行 LibreOffice（{exc.strerror or exc}）", file=path, hint=SAVE_AS) from None
        converted = Path(tmp) / f"{path.stem}.docx"
        if not converted.is_file():
            raise InputError(f"LibreOffice 未能转换这个 {what} 文件", file=path, hint=SAVE_AS)
        return read_bytes(converted)
