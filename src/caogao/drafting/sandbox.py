"""The Jinja2 environment report templates run in: data only, and bounded.

A user's template is a program we run. Jinja2's sandbox already keeps it away
from Python internals; this environment also bounds what it may cost, so that a
template cannot fill memory or run for ever: every value it makes (a string, a
list, however nested) stays under ``MAX_SIZE`` characters or items, its whole
output under ``MAX_OUTPUT``, and its work (loop iterations, calls, arithmetic)
under ``MAX_STEPS``. Going over raises ``TemplateLimit``, which compose turns into
a message naming the template.

The operators that can make big values are intercepted, which also keeps
Jinja2's optimizer from folding them at compile time (``"x" * 10**10`` would
otherwise be computed while the template is compiled).
"""

from __future__ import annotations

import functools
import operator
import re
from typing import Any, Iterable, Iterator

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.filters import FILTERS
from jinja2.runtime import str_join
from jinja2 import pass_context
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

MAX_SIZE = 1_000_000      # characters or items in one value
MAX_OUTPUT = 2_000_000    # characters a template may write (a draft is ~30,000)
MAX_STEPS = 1_000_000     # loop iterations, calls and operations (a draft takes ~2,000)
MAX_INT_BITS = 4096       # integers beyond this are no figure of a report
MAX_WIDTH = 1_000         # padding widths: %10s, center(80), indent(4)

_BINOPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
           "//": operator.floordiv, "%": operator.mod, "**": operator.pow}
# str methods that pad or re-encode to any size the caller asks
_DENIED_STR_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map",
                       "encode", "translate", "maketrans"}
_WIDTHS = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimit(Exception):
    """A template went over one of the bounds; the message is for the user."""


def size(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters and items in ``value``, nested ones included; stops counting past ``limit``."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        v = stack.pop()
        if isinstance(v, (str, bytes)):
            total += len(v)
        elif isinstance(v, dict):
            total += len(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            total += len(v)
            stack.extend(v)
        else:
            total += 1
    return total


def _check_size(estimate: int) -> None:
    if estimate > MAX_SIZE:
        raise TemplateLimit(f"模板生成的内容过大（超过 {MAX_SIZE:,} 个字符或项）")


def _check_widths(fmt: str) -> None:
    for match in _WIDTHS.finditer(fmt):
        for width in match.groups():
            if width == "*" or (width and int(width) > MAX_WIDTH):
                raise TemplateLimit(f"模板中的格式宽度过大（至多 {MAX_WIDTH}）")


class _BoundedCode(CodeGenerator):
    """Compiled templates that count each loop iteration and check each ``~`` join."""

    def visit_Template(self, node: nodes.Template, frame=None) -> None:
        # before the generator collects the filters a template uses
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_caogao_counted", [], [], None, None,
                                     lineno=loop.iter.lineno, environment=self.environment)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@pass_context
def _counted(context, iterable: Iterable) -> Iterator:
    env = context.environment
    for item in iterable:
        env.step()
        yield item


def _bounded_filter(name: str, func):
    """``func`` that refuses inputs over the size bound, and padding over the width bound."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def bounded(*args, **kwargs):
        values = list(args[skip:])
        _check_size(sum(size(v) for v in values) + sum(size(v) for v in kwargs.values()))

        def arg(n: int, key: str, default: Any = None) -> Any:
            return values[n] if len(values) > n else kwargs.get(key, default)

        if name == "center":
            _check_size(_int(arg(1, "width", 80)))
        elif name == "indent":
            width = arg(1, "width", 4)
            if (len(width) if isinstance(width, str) else _int(width)) > MAX_WIDTH:
                raise TemplateLimit(f"模板中的缩进过宽（至多 {MAX_WIDTH}）")
        elif name == "format" and isinstance(arg(0, "value"), str):
            _check_widths(arg(0, "value"))
        elif name == "replace" and isinstance(arg(0, "s"), str):
            text, old, new = arg(0, "s"), str(arg(1, "old", "")), str(arg(2, "new", ""))
            _check_size(len(text) + (text.count(old) if old else len(text) + 1) * len(new))
        elif name == "join" and isinstance(arg(0, "value"), (list, tuple, str)):
            _check_size(size(arg(0, "value")) + len(str(arg(1, "d", ""))) * len(arg(0, "value")))
        return func(*args, **kwargs)

    return bounded


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with bounds on size, output and work (see the module)."""

    code_generator_class = _BoundedCode
    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, **options: Any) -> None:
        # nothing is computed while compiling (Jinja2's optimizer folds constants): a
        # template's work is all done, and bounded, when it runs; compiling is 0.7 ms faster
        super().__init__(finalize=self._finalize, optimized=False, **options)
        self.steps = 0
        self.filters = {name: _bounded_filter(name, func) for name, func in FILTERS.items()}
        self.filters["_caogao_counted"] = _counted
        self.globals.pop("lipsum", None)  # sample text of any length: no report needs it
        self.globals["range"] = self._range

    # ------------------------------------------------------------ the bounds

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"模板的运算量过大（循环或调用超过 {MAX_STEPS:,} 次），可能是过大的循环或无限递归")

    def _range(self, *args: int) -> range:
        rng = safe_range(*args)
        _check_size(len(rng))
        return rng

    def _finalize(self, value: Any) -> Any:
        _check_size(size(value))
        return value

    def bounded_concat(self, parts: tuple) -> str:
        self.step()
        _check_size(sum(size(p) for p in parts))
        return str_join(parts)

    def render_bounded(self, template, context: dict) -> str:
        """``template`` rendered with ``context``, its output no longer than ``MAX_OUTPUT``."""
        out, written = [], 0
        for chunk in template.generate(context):
            written += len(chunk)
            if written > MAX_OUTPUT:
                raise TemplateLimit(f"模板输出过长（超过 {MAX_OUTPUT:,} 个字符）")
            out.append(chunk)
        return "".join(out)

    # ------------------------------------------------ the sandbox's hooks

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, (str, bytes)) and attr in _DENIED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja2's signature)
        __self.step()
        _check_size(sum(size(a) for a in args) + sum(size(v) for v in kwargs.values()))
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in ("replace", "join") and args:
            if __obj.__name__ == "replace" and len(args) >= 2:
                old, new = str(args[0]), str(args[1])
                count = owner.count(old) if old else len(owner) + 1
                _check_size(len(owner) + count * len(new))
            elif __obj.__name__ == "join" and isinstance(args[0], (list, tuple, str)):
                _check_size(size(args[0]) + len(owner) * len(args[0]))
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator_: str, left: Any, right: Any) -> Any:
        self.step()
        if operator_ == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 \
                    and max(left.bit_length(), 1) * right > MAX_INT_BITS:
                raise TemplateLimit("模板中的乘方结果过大")
        elif operator_ == "*":
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise TemplateLimit("模板中的乘法结果过大")
            elif isinstance(left, int) or isinstance(right, int):
                seq, n = (right, left) if isinstance(left, int) else (left, right)
                _check_size(size(seq) * max(n, 0))
        elif operator_ == "+":
            _check_size(size(left) + size(right))
        elif operator_ == "%" and isinstance(left, str):
            _check_widths(left)
            _check_size(len(left) + size(right))
        try:
            return _BINOPS[operator_](left, right)
        except OverflowError:
            raise TemplateLimit("模板中的数值运算溢出") from None
