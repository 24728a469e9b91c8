"""Finding and reading users' input files: the one folder walker, the one file guard
(``read_guarded``: every user's file — report, facts file, draft, reference document —
is read through it), and .txt/.md/.docx to text.

Everything downstream (cleaning, structure, the phrase bank, ``check``) sees
plain ``str`` with ``"\\n"`` line ends. A folder is walked recursively;
hidden folders and files and Office lock files are left out, everywhere."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from caogao.corpus.decode import decode_bytes, normalize, strip_markdown
from caogao.errors import InputError

SUPPORTED = (".txt", ".md", ".docx")
CONVERTIBLE = (".doc", ".wps")  # read through LibreOffice when it is installed (corpus/legacy.py)
# A township report is tens of KB; this limit only stops accidents.
MAX_FILE_BYTES = 64 << 20
LEGACY = {".doc": "旧版 Word（.doc）", ".wps": "WPS 文字（.wps）", ".rtf": "RTF"}
SAVE_AS = "请在 Word 或 WPS 中“另存为” .docx，或另存为纯文本 .txt（UTF-8）"


class FileRefused(InputError):
    """The guard will not read this path; ``reason`` (missing, denied, folder, special,
    large, unreadable) lets a caller word it in its own terms."""

    def __init__(self, reason: str, message: str, *, file: Path, hint: str | None = None) -> None:
        super().__init__(message, file=file, hint=hint)
        self.reason = reason


def _os_error(path: Path, exc: OSError) -> FileRefused:
    if isinstance(exc, FileNotFoundError):
        return FileRefused("missing", "文件不存在", file=path, hint="请检查路径和文件名是否写对")
    if isinstance(exc, PermissionError):
        return FileRefused("denied", "没有读取该文件的权限", file=path,
                           hint="请检查文件权限，或把文件复制到自己的文件夹再读")
    if isinstance(exc, IsADirectoryError):
        return _refused_type(path, stat.S_IFDIR)
    return FileRefused("unreadable", f"无法读取文件（{exc.strerror or exc}）", file=path)


def _refused_type(path: Path, mode: int) -> FileRefused:
    if stat.S_ISDIR(mode):
        return FileRefused("folder", "这是一个文件夹，不是文件", file=path,
                           hint="请给出其中的 .txt/.md/.docx 文件，或使用可读取整个文件夹的命令")
    return FileRefused("special", "不是普通文件（而是管道、设备或套接字）", file=path,
                       hint="请给出保存在磁盘上的普通文件")


def _too_large(path: Path, limit: int) -> FileRefused:
    return FileRefused("large", f"文件过大（上限 {max(limit >> 20, 1)} MB）", file=path,
                       hint="工作报告一般不足 1 MB；请确认选对了文件")


def _check(path: Path, info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise _refused_type(path, info.st_mode)
    if info.st_size > limit:
        raise _too_large(path, limit)


def check_file(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """FileRefused unless ``path`` is now a regular file of at most ``limit`` bytes."""
    try:
        _check(path, os.stat(path), limit)
    except OSError as exc:
        raise _os_error(path, exc) from None


def _opener(path: str, flags: int) -> int:
    # A FIFO opened without O_NONBLOCK waits for a writer; a terminal must not become ours.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def read_guarded(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[os.stat_result, bytes]:
    """The one guard every reader of a user's file goes through: the file's status and bytes,
    if it is a regular file of at most ``limit`` bytes; else FileRefused.

    The path is stat'ed before it is opened (a FIFO or device is never opened), the
    open file is stat'ed again (the path may have been swapped meanwhile), and the
    read stops after ``limit + 1`` bytes, so a file that grows while it is read, or a
    size that lies, costs no more memory than the limit."""
    path = Path(path)
    check_file(path, limit)
    try:
        with open(path, "rb", opener=_opener) as handle:
            info = os.fstat(handle.fileno())
            _check(path, info, limit)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _os_error(path, exc) from None
    if len(data) > limit:
        raise _too_large(path, limit)
    return info, data


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A user's file's bytes, through ``read_guarded``."""
    return read_guarded(path, limit)[1]


def refuse_legacy(path: Path) -> None:
    legacy = LEGACY.get(path.suffix.lower())
    if legacy:
        raise InputError(f"{legacy} 格式无法直接读取", file=path, hint=SAVE_AS)


def read_text(path: str | Path) -> str:
    """The text of one .txt/.md/.docx file, decoded, ``"\\n"`` line ends, no BOM."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CONVERTIBLE:  # .doc, .wps: through LibreOffice, else a message to save as .docx
        from caogao.corpus.docx_in import docx_text, open_docx

        text = normalize(docx_text(open_docx(path)))
        if not text.strip():
            raise InputError("文件为空", file=path, hint="请确认文件已保存、选对了文件")
        return text
    refuse_legacy(path)
    if suffix not in SUPPORTED:
        check_file(path)  # a missing file or a folder is the more useful message
        kind = f"“{path.suffix}”" if path.suffix else "无扩展名"
        raise InputError(f"不支持的文件类型（{kind}）", file=path,
                         hint=f"可读取 {'、'.join(SUPPORTED)}；{SAVE_AS}")
    if suffix == ".docx":
        from caogao.corpus.docx_in import docx_text, open_docx  # it imports this module

        text = normalize(docx_text(open_docx(path)))
    else:
        text = normalize(decode_bytes(read_bytes(path), path))
        if suffix == ".md":
            text = strip_markdown(text)
    if not text.strip():
        raise InputError("文件为空", file=path, hint="请确认文件已保存、选对了文件")
    return text


def _expand_folder(folder: Path, warnings: list[str]) -> list[Path]:
    found: list[Path] = []
    # os.walk does not follow symlinked folders, so a link loop cannot trap us.
    for root, dirs, files in os.walk(folder, onerror=lambda exc: warnings.append(
            f"{exc.filename}：无法列出文件夹内容（{exc.strerror}）")):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith((".", "~$")):  # hidden files, Office lock files
                continue
            suffix = Path(name).suffix.lower()
            if suffix in SUPPORTED or suffix in CONVERTIBLE:
                found.append(Path(root) / name)
            elif suffix in LEGACY:
                warnings.append(f"{Path(root) / name}：{LEGACY[suffix]} 格式无法直接读取，已跳过（{SAVE_AS}）")
    found.sort(key=lambda p: p.relative_to(folder).parts)
    if not found:
        warnings.append(f"{folder}：文件夹中没有 {'/'.join(SUPPORTED)} 文件")
    return found


def list_files(paths: Iterable[str | Path], warnings: list[str]) -> list[Path]:
    """Files named in ``paths`` and found in its folders (recursively, sorted by name), each once.

    A folder's hidden, lock and legacy-format files are left out with a
    warning; a missing path stays in, for ``read_text`` to name its fault."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            files.extend(_expand_folder(given, warnings))
        else:
            files.append(given)
    out: list[Path] = []
    seen: set = set()
    for file in files:
        try:  # one stat, where resolving the path costs one per folder on the way
            st = os.stat(file)
            # st_ino can be 0 on Windows file systems: then the path says which file it is
            key: object = (st.st_dev, st.st_ino) if st.st_ino else os.path.normcase(os.path.realpath(file))
        except OSError:
            key = os.path.abspath(file)
        if key not in seen:  # a file named both alone and inside a given folder
            seen.add(key)
            out.append(file)
    return out


def skipped(file: Path, exc: InputError) -> str:
    """The warning for a file ``read_text`` could not read."""
    hint = f"（{exc.hint}）" if exc.hint else ""
    return f"{file}：{exc.message}{hint}"


def nothing_read(warnings: list[str]) -> InputError:
    detail = "；".join(warnings[:5]) or "没有给出任何文件"
    return InputError(f"没有读到任何文件：{detail}", hint=f"请给出 {'/'.join(SUPPORTED)} 文件或包含它们的文件夹")


def read_many(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Read files and folders (recursively); what fails becomes a warning.

    Returns ``(path, text)`` pairs in the order given (a folder's files sorted by
    name) and Chinese warnings naming each file skipped and why. Raises
    InputError only when nothing at all could be read."""
    warnings: list[str] = []
    results: list[tuple[Path, str]] = []
    for file in list_files(paths, warnings):
        try:
            results.append((file, read_text(file)))
        except InputError as exc:
            warnings.append(skipped(file, exc))
    if not results:
        raise nothing_read(warnings)
    return results, warnings
