"""Writing users' files safely: never half-written, never silently overwritten."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from caogao.errors import OutputError


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a target that is a folder, or an existing file without ``force``."""
    if path.is_dir():
        raise OutputError("输出路径是一个文件夹，不是文件", file=path,
                          hint="请在文件夹后加上文件名，例如 output/草稿.docx")
    if path.exists() and not force:
        raise OutputError("文件已存在，为免覆盖您可能已修改过的稿子，未写入", file=path,
                          hint="换一个文件名（-o），或确认可以覆盖后加 --force")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it into place.

    The folder is created if missing. On any error the temporary file is
    removed and ``path`` is left as it was.
    """
    target = Path(path)
    check_target(target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except PermissionError as exc:
        raise OutputError("没有写入该文件夹的权限", file=target.parent,
                          hint="换一个可写的位置（-o）") from exc
    except OSError as exc:
        raise OutputError(f"无法在此处创建文件（{exc.strerror}）", file=target.parent) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); a draft gets the mode any new file would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        if not force and target.exists():  # appeared while we were writing
            check_target(target, force=False)
        os.replace(tmp, target)
    except PermissionError as exc:
        raise OutputError("没有写入该文件的权限", file=target) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
