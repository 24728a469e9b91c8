"""Writing users' files safely: never half-written, never silently overwritten."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from caogao.errors import OutputError


NAME_MAX = 255  # bytes in a file name, on every file system a drafter uses

_WHY = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已用完", errno.EROFS: "该位置是只读的",
    errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENAMETOOLONG: "文件名过长",
    errno.ENOENT: "路径不存在", errno.ENOTDIR: "路径中的某一段不是文件夹", errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "文件已存在", errno.EMFILE: "打开的文件过多", errno.EFBIG: "文件过大",
}


def os_error_message(exc: OSError) -> str | None:
    """A Chinese description of an OSError a user can cause (disk full, read-only, …), else None."""
    why = _WHY.get(exc.errno)
    return f"{why}（{exc.strerror}）" if why and exc.strerror else why


def check_name(path: Path) -> None:
    """Refuse a file name longer than the file system allows."""
    if len(os.fsencode(path.name)) > NAME_MAX:
        raise OutputError(f"文件名过长（{len(os.fsencode(path.name))} 字节，至多 {NAME_MAX}）", file=path,
                          hint="换一个短一些的文件名（-o）")


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a target that is not a regular file (a folder, link, FIFO, device), or an existing file without ``force``."""
    check_name(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # a missing folder and the like: writing will say what is wrong
    if stat.S_ISDIR(st.st_mode):
        raise OutputError("输出路径是一个文件夹，不是文件", file=path,
                          hint="请在文件夹后加上文件名，例如 output/草稿.docx")
    if not stat.S_ISREG(st.st_mode):
        kind = "符号链接" if stat.S_ISLNK(st.st_mode) else "特殊文件（管道或设备）"
        raise OutputError(f"输出路径是一个{kind}，不是普通文件，不会替换它", file=path,
                          hint="换一个文件名（-o）")
    if not force:
        raise OutputError("文件已存在，为免覆盖您可能已修改过的文件，未写入", file=path,
                          hint="换一个文件名（-o），或确认可以覆盖后加 --force")


def _temp_prefix(name: str) -> str:
    """``.name.`` cut short enough that mkstemp's name still fits NAME_MAX."""
    return "." + os.fsencode(name)[:NAME_MAX - 24].decode("utf-8", "ignore") + "."


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it into place.

    The folder is created if missing. On any error the temporary file is
    removed and ``path`` is left as it was; an OSError a user can cause (disk
    full, read-only folder) becomes an OutputError.
    """
    target = Path(path)
    check_target(target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=target.parent)
    except PermissionError as exc:
        raise OutputError("没有写入该文件夹的权限", file=target.parent,
                          hint="换一个可写的位置（-o）") from exc
    except OSError as exc:
        raise OutputError(f"无法在此处创建文件（{os_error_message(exc) or exc.strerror}）", file=target.parent) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file private (0600); a draft gets the mode any new file would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        yield tmp
        check_target(target, force=force)  # it may have appeared, or changed kind, while we wrote
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # Windows: Word and WPS lock the file they have open
            raise OutputError("无法替换该文件，它可能正在 Word 或 WPS 中打开；原文件没有改动", file=target,
                              hint="请先在 Word/WPS 中关闭该文件，再运行一次") from exc
    except OSError as exc:
        raise OutputError(f"写入失败：{os_error_message(exc) or exc.strerror or exc}", file=target) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
