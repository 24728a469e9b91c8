"""Finding and reading users' input files: the one folder walker, and .txt/.md/.docx to text.

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
# A township report is tens of KB; this limit only stops accidents.
MAX_FILE_BYTES = 64 << 20
LEGACY = {".doc": "旧版 Word（.doc）", ".wps": "WPS 文字（.wps）", ".rtf": "RTF"}
SAVE_AS = "请在 Word 或 WPS 中“另存为” .docx，或另存为纯文本 .txt（UTF-8）"


def _os_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError("文件不存在", file=path, hint="请检查路径和文件名是否写对")
    if isinstance(exc, PermissionError):
        return InputError("没有读取该文件的权限", file=path,
                          hint="请检查文件权限，或把文件复制到自己的文件夹再读")
    return InputError(f"无法读取文件（{exc.strerror or exc}）", file=path)


def _stat_regular(path: Path) -> None:
    """Raise an InputError if ``path`` is missing, a folder, not a plain file or huge."""
    try:
        info = path.stat()
    except OSError as exc:
        raise _os_error(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("这是一个文件夹，不是文件", file=path,
                         hint="请给出其中的 .txt/.md/.docx 文件，或使用可读取整个文件夹的命令")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise InputError("不是普通文件", file=path, hint="请给出 .txt/.md/.docx 文件")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"文件过大（上限 {MAX_FILE_BYTES >> 20} MB）", file=path,
                         hint="工作报告一般不足 1 MB；请确认选对了文件")


def read_bytes(path: Path) -> bytes:
    _stat_regular(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise _os_error(path, exc) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"文件过大（上限 {MAX_FILE_BYTES >> 20} MB）", file=path)
    return data


def refuse_legacy(path: Path) -> None:
    legacy = LEGACY.get(path.suffix.lower())
    if legacy:
        raise InputError(f"{legacy} 格式无法直接读取", file=path, hint=SAVE_AS)


def read_text(path: str | Path) -> str:
    """The text of one .txt/.md/.docx file, decoded, ``"\\n"`` line ends, no BOM."""
    path = Path(path)
    suffix = path.suffix.lower()
    refuse_legacy(path)
    if suffix not in SUPPORTED:
        _stat_regular(path)  # a missing file or a folder is the more useful message
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
            if suffix in SUPPORTED:
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
            key: object = (st.st_dev, st.st_ino)
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
