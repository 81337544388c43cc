"""Turn a formula a student types, in x and y, into a safe differentiable torch function.

Why: students try their own error surfaces. The text is parsed with `ast` and walked against a
whitelist — never given to eval, exec or sympy — and its length, nesting, size, numbers and powers
are bounded, so no formula can hang or exhaust the server. Every step is a pure torch operation, so
a formula works with autograd and with `torch.func` (vmap, hessian). Results may be NaN or inf
(sqrt(-1), 1/0): the caller decides what to do with them.
"""

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
import torch.nn.functional as F

MAX_LENGTH = 300  # characters, checked before parsing
MAX_DEPTH = 100  # levels of nesting (a sum of n terms nests n deep)
MAX_NODES = 200  # numbers, names, operations and calls
MAX_NUMBER = 1e6  # largest number that may be typed
MAX_EXPONENT = 10  # powers are limited to constant exponents in [-10, 10]


class ExpressionError(ValueError):
    """A formula that cannot be used, with a message a student understands."""


class Function(NamedTuple):
    fn: Callable  # torch function of `arity` tensors
    arity: int
    latex: str  # %-template, one %s per argument


FUNCTIONS = {
    "sin": Function(torch.sin, 1, r"\sin\left(%s\right)"),
    "cos": Function(torch.cos, 1, r"\cos\left(%s\right)"),
    "tan": Function(torch.tan, 1, r"\tan\left(%s\right)"),
    "exp": Function(torch.exp, 1, r"\exp\left(%s\right)"),
    "log": Function(torch.log, 1, r"\log\left(%s\right)"),
    "ln": Function(torch.log, 1, r"\ln\left(%s\right)"),
    "sqrt": Function(torch.sqrt, 1, r"\sqrt{%s}"),
    "abs": Function(torch.abs, 1, r"\left|%s\right|"),
    "tanh": Function(torch.tanh, 1, r"\tanh\left(%s\right)"),
    "sinh": Function(torch.sinh, 1, r"\sinh\left(%s\right)"),
    "cosh": Function(torch.cosh, 1, r"\cosh\left(%s\right)"),
    "arctan": Function(torch.atan, 1, r"\arctan\left(%s\right)"),
    "atan": Function(torch.atan, 1, r"\arctan\left(%s\right)"),
    "sigmoid": Function(torch.sigmoid, 1, r"\sigma\left(%s\right)"),
    "log1p": Function(torch.log1p, 1, r"\log\left(1 + %s\right)"),
    "softplus": Function(F.softplus, 1, r"\log\left(1 + e^{%s}\right)"),
    "relu": Function(torch.relu, 1, r"\max\left(0, %s\right)"),
    "min": Function(torch.minimum, 2, r"\min\left(%s, %s\right)"),
    "max": Function(torch.maximum, 2, r"\max\left(%s, %s\right)"),
}
CONSTANTS = {"pi": (math.pi, r"\pi"), "e": (math.e, "e")}
VARIABLES = ("x", "y")

_OPERATORS = {  # ast operator → (function, LaTeX joiner, precedence)
    ast.Add: (operator.add, " + ", 1),
    ast.Sub: (operator.sub, " - ", 1),
    ast.Mult: (operator.mul, r" \cdot ", 2),
    ast.Div: (operator.truediv, None, 4),  # drawn as \frac, grouped like a power base
    ast.Pow: (operator.pow, None, 4),
}
_NEG, _POW, _ATOM = 3, 4, 5
_FORBIDDEN = {  # node type → why it is refused, in plain words
    ast.Attribute: "dots after a name (like x.real or x.__class__) are not allowed",
    ast.Subscript: "square brackets [ ] are not allowed; use ( ) to group",
    ast.List: "square brackets [ ] are not allowed; use ( ) to group",
    ast.Tuple: "a formula gives one number: commas belong only inside min(a, b) and max(a, b)",
    ast.Dict: "curly brackets { } are not allowed; use ( ) to group",
    ast.Set: "curly brackets { } are not allowed; use ( ) to group",
    ast.Compare: "comparisons (<, >, ==, is, in) are not allowed: a formula gives a number",
    ast.BoolOp: "'and' and 'or' are not allowed: a formula gives a number",
    ast.IfExp: "'if ... else' is not allowed; to choose, use min(a, b) or max(a, b)",
    ast.Lambda: "'lambda' is not allowed: type the formula itself, like x**2 + y**2",
    ast.ListComp: "'for' loops are not allowed in a formula",
    ast.SetComp: "'for' loops are not allowed in a formula",
    ast.DictComp: "'for' loops are not allowed in a formula",
    ast.GeneratorExp: "'for' loops are not allowed in a formula",
    ast.NamedExpr: "':=' is not allowed in a formula",
    ast.JoinedStr: "text in quotes is not allowed in a formula",
    ast.Starred: "a '*' in front of a value is not allowed",
}
_SYNTAX_HINTS = (  # fragment of Python's message → a hint for a student
    ("decimal literal", "put a * between a number and a name, like 2*x"),
    ("never closed", "a bracket ( is never closed"),
    ("unmatched", "there is a ) without a matching ("),
    ("does not match", "the brackets do not match"),
    (
        "invalid character",
        "it contains a character that cannot be used; use letters, digits, + - * / ** and ( )",
    ),
    ("nested parentheses", "there are too many nested brackets"),
    ("leading zeros", "a number cannot start with 0, like 07"),
)
_LOOKALIKES = str.maketrans({"−": "-", "×": "*", "·": "*", "÷": "/", "\n": " ", "\r": " "})

Value = float | Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Formula:
    """A checked formula: `formula(x, y)` evaluates it element-wise; `latex` is for display."""

    text: str
    latex: str
    _evaluate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = field(
        repr=False, compare=False
    )

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self._evaluate(x, y)


def compile_formula(text: str) -> Formula:
    """Check `text` and turn it into a Formula, or raise ExpressionError saying what is wrong."""
    if not isinstance(text, str):
        raise ExpressionError("the formula must be text, like x**2 + y**2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})"
        )
    source = text.translate(_LOOKALIKES).strip()
    if not source:
        raise ExpressionError("the formula is empty: type one, like x**2 + y**2")
    tree = _parse(source, skipped=len(text) - len(text.lstrip()))
    _check_size(tree.body)
    value, latex, _ = _compile(tree.body)
    return Formula(
        text=text, latex=latex, _evaluate=_constant(value) if isinstance(value, float) else value
    )


def _constant(value: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A constant formula still returns x's shape, connected to x and y (its gradient is 0)."""
    return lambda x, y: x * 0 + y * 0 + value


def _parse(source: str, skipped: int) -> ast.Expression:
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        hint = next(
            (h for key, h in _SYNTAX_HINTS if key in (err.msg or "")),
            "check the brackets and operators (is a * missing, or a bracket?)",
        )
        column = err.offset if err.offset and err.offset <= len(source) else len(source)
        where = f" near position {column + skipped}" if err.offset is not None else ""
        raise ExpressionError(f"could not read the formula{where}: {hint}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ExpressionError(
            "could not read the formula: use only x, y, numbers, + - * / ** and ( )"
        ) from None


def _check_size(root: ast.expr) -> None:
    """Count nodes and nesting without recursion, before anything recursive walks the tree."""
    if sum(isinstance(node, ast.expr) for node in ast.walk(root)) > MAX_NODES:
        raise ExpressionError(
            f"the formula has too many parts (at most {MAX_NODES} numbers, names and operations)"
        )
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the formula is nested too deeply (at most {MAX_DEPTH} levels)")
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr)
        )


def _compile(node: ast.expr) -> tuple[Value, str, int]:
    """Return (value, LaTeX, precedence); value is a float when the part has no x or y."""
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.UnaryOp):
        return _unary(node)
    if isinstance(node, ast.BinOp):
        return _binary(node)
    if isinstance(node, ast.Call):
        return _call(node)
    reason = _FORBIDDEN.get(type(node))
    raise ExpressionError(reason or f"'{_snippet(node)}' is not allowed in a formula")


def _number(value) -> tuple[Value, str, int]:
    if isinstance(value, bool):
        raise ExpressionError(f"'{value}' is not a number: use x, y, numbers, pi and e")
    if isinstance(value, complex):
        raise ExpressionError("complex numbers (like 1j) are not allowed")
    if not isinstance(value, (int, float)):
        raise ExpressionError(
            "text in quotes is not allowed in a formula"
            if isinstance(value, (str, bytes))
            else f"'{value}' is not allowed in a formula"
        )
    if not abs(value) <= MAX_NUMBER:
        raise ExpressionError(
            f"the number {_shorten(str(value))} is too large: numbers may "
            f"be at most {MAX_NUMBER:,.0f} in size"
        )
    text = repr(float(value)) if isinstance(value, float) else str(value)
    mantissa, _, power = text.partition("e")
    latex = f"{mantissa} \\times 10^{{{int(power)}}}" if power else text
    return float(value), latex, _ATOM


def _name(name: str) -> tuple[Value, str, int]:
    if name in VARIABLES:
        index = VARIABLES.index(name)
        return (lambda *xy: xy[index]), name, _ATOM
    if name in CONSTANTS:
        value, latex = CONSTANTS[name]
        return value, latex, _ATOM
    if name in FUNCTIONS:
        raise ExpressionError(f"'{name}' is a function: write it with brackets, like {name}(x)")
    raise ExpressionError(
        f"unknown name '{_shorten(name)}' — use x and y (and the constants pi and e)"
    )


def _unary(node: ast.UnaryOp) -> tuple[Value, str, int]:
    signs = {ast.USub: (operator.neg, "-"), ast.UAdd: (operator.pos, "+")}
    if type(node.op) not in signs:
        symbol = "not" if isinstance(node.op, ast.Not) else "~"
        raise ExpressionError(f"'{symbol}' is not allowed; use + - * / and **")
    fn, sign = signs[type(node.op)]
    value, latex, prec = _compile(node.operand)
    return _apply(fn, [value]), sign + _group(latex, prec <= _NEG), _NEG


def _binary(node: ast.BinOp) -> tuple[Value, str, int]:
    if isinstance(node.op, ast.BitXor):
        raise ExpressionError("use ** for powers, like x**2 (^ is not a power in Python)")
    if type(node.op) not in _OPERATORS:
        raise ExpressionError(
            f"the operator in '{_snippet(node)}' is not available; use + - * / and **"
        )
    fn, joiner, prec = _OPERATORS[type(node.op)]
    left, left_tex, left_prec = _compile(node.left)
    right, right_tex, right_prec = _compile(node.right)
    if isinstance(node.op, ast.Pow):
        _check_exponent(right, node.right)
        latex = f"{_group(left_tex, left_prec <= _POW)}^{{{right_tex}}}"
        return _apply(fn, [left, right]), latex, prec
    if isinstance(node.op, ast.Div):
        return _apply(fn, [left, right]), f"\\frac{{{left_tex}}}{{{right_tex}}}", prec
    right_grouped = (
        right_prec < prec
        or right_prec == _NEG
        or (isinstance(node.op, ast.Sub) and right_prec == prec)
    )
    latex = _group(left_tex, left_prec < prec) + joiner + _group(right_tex, right_grouped)
    return _apply(fn, [left, right]), latex, prec


def _check_exponent(exponent: Value, node: ast.expr) -> None:
    if not isinstance(exponent, float):
        raise ExpressionError(
            "exponents must be plain numbers between "
            f"-{MAX_EXPONENT} and {MAX_EXPONENT}, not expressions in x or y; "
            "for e to the power x write exp(x)"
        )
    if not abs(exponent) <= MAX_EXPONENT:
        raise ExpressionError(
            f"the exponent {_snippet(node)} is too large: powers are limited "
            f"to exponents between -{MAX_EXPONENT} and {MAX_EXPONENT}"
        )


def _call(node: ast.Call) -> tuple[Value, str, int]:
    if not isinstance(node.func, ast.Name):
        _compile(node.func)  # says what is wrong with it, if it can
        raise ExpressionError("only the listed functions can be called, by name, like sin(x)")
    name = node.func.id
    if name not in FUNCTIONS:
        if name in VARIABLES or name in CONSTANTS:
            raise ExpressionError(f"'{name}' is not a function: write {name}*(...) to multiply")
        raise ExpressionError(
            f"the function '{_shorten(name)}' is not available; you can use " + ", ".join(FUNCTIONS)
        )
    function = FUNCTIONS[name]
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ExpressionError(
            f"write the arguments of {name} plainly, like {name}(x"
            + ", y" * (function.arity - 1)
            + "), with no '=' or '*'"
        )
    if len(node.args) != function.arity:
        plural = "s" if function.arity > 1 else ""
        raise ExpressionError(
            f"{name} takes {function.arity} argument{plural}, not {len(node.args)}"
        )
    parts = [_compile(arg) for arg in node.args]
    latex = function.latex % tuple(tex for _, tex, _ in parts)
    return _apply(function.fn, [value for value, _, _ in parts], tensors=True), latex, _ATOM


def _apply(fn: Callable, parts: list[Value], tensors: bool = False) -> Value:
    """Fold constant parts now (in float64); otherwise a closure of pure torch operations."""
    if all(isinstance(part, float) for part in parts):
        return float(fn(*(torch.tensor(part, dtype=torch.float64) for part in parts)))

    def evaluate(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        values = [part if isinstance(part, float) else part(x, y) for part in parts]
        if tensors:  # torch functions take tensors: lift constants to a 0-d tensor like the rest
            like = next(v for v in values if isinstance(v, torch.Tensor))
            values = [
                torch.as_tensor(v, dtype=like.dtype, device=like.device)
                if isinstance(v, float)
                else v
                for v in values
            ]
        return fn(*values)

    return evaluate


def _group(latex: str, needed: bool) -> str:
    return f"\\left({latex}\\right)" if needed else latex


def _snippet(node: ast.AST) -> str:
    return _shorten(ast.unparse(node))


def _shorten(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."
