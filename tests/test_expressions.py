"""Typed formulas: right values, right gradients, and no input that gets past the whitelist."""

import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.expressions import FUNCTIONS, MAX_LENGTH, ExpressionError, Formula, compile_formula

GRID = np.meshgrid(np.linspace(0.1, 2.0, 7), np.linspace(0.2, 1.9, 5), indexing="ij")


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


VALID = [  # formula, the same in numpy
    ("x**2 + y**2", lambda x, y: x**2 + y**2),
    ("sin(x) * cos(y) - tan(x / 3)", lambda x, y: np.sin(x) * np.cos(y) - np.tan(x / 3)),
    (
        "exp(-x) + log(y) + sqrt(x*y) + ln(x)",
        lambda x, y: np.exp(-x) + np.log(y) + np.sqrt(x * y) + np.log(x),
    ),
    (
        "abs(x - 1) + tanh(y) * sigmoid(x - y)",
        lambda x, y: np.abs(x - 1) + np.tanh(y) * _sigmoid(x - y),
    ),
    (
        "sinh(x) - cosh(y) + arctan(x) + atan(y)",
        lambda x, y: np.sinh(x) - np.cosh(y) + np.arctan(x) + np.arctan(y),
    ),
    (
        "log1p(x) + softplus(y - 1) + relu(x - 1)",
        lambda x, y: np.log1p(x) + np.log1p(np.exp(y - 1)) + np.maximum(x - 1, 0),
    ),
    (
        "min(x, y) + max(x, 1.5) - min(2, y)",
        lambda x, y: np.minimum(x, y) + np.maximum(x, 1.5) - np.minimum(2, y),
    ),
    ("1 + 2*x - 3/y * 4", lambda x, y: 1 + 2 * x - 3 / y * 4),
    ("-x**2 + -(-y)", lambda x, y: -(x**2) + y),
    ("2**3**2 * x", lambda x, y: 512 * x),
    ("pi*x + e*y", lambda x, y: np.pi * x + np.e * y),
    ("(x + y)**-1 + x**0.5 + (x - y)**3", lambda x, y: 1 / (x + y) + x**0.5 + (x - y) ** 3),
    ("  (x - 1)**2 +\n 100*(y - x**2)**2  ", lambda x, y: (x - 1) ** 2 + 100 * (y - x**2) ** 2),
    ("2.5e-1 * x − y × 2", lambda x, y: 0.25 * x - y * 2),
]


@pytest.mark.parametrize("text, reference", VALID, ids=[t for t, _ in VALID])
def test_valid_formulas_match_numpy(text, reference):
    x, y = (torch.tensor(v) for v in GRID)
    formula = compile_formula(text)
    assert isinstance(formula, Formula) and formula.text == text
    np.testing.assert_allclose(formula(x, y).numpy(), reference(*GRID), rtol=1e-12, atol=1e-12)


def test_every_function_is_covered_above():
    called = {name for text, _ in VALID for name in re.findall(r"(\w+)\(", text)}
    assert called == set(FUNCTIONS)


def test_constant_formula_keeps_shape_dtype_and_gradient():
    x = torch.zeros(4, 3, dtype=torch.float32, requires_grad=True)
    out = compile_formula("3 + sin(pi / 2)")(x, torch.ones(4, 3))
    assert out.shape == (4, 3) and out.dtype == torch.float32
    assert torch.all(out == 4)
    out.sum().backward()
    assert torch.all(x.grad == 0)


def test_float32_stays_float32():
    x = torch.linspace(0, 1, 5, dtype=torch.float32)
    assert compile_formula("pi * min(x, 0.5) + y**2")(x, x).dtype == torch.float32


@pytest.mark.parametrize(
    "text, latex",
    [
        ("x**2 + y**2", "x^{2} + y^{2}"),
        ("(x + y)/2", r"\frac{x + y}{2}"),
        ("-(x + y)", r"-\left(x + y\right)"),
        ("(-x)**2", r"\left(-x\right)^{2}"),
        ("x - (y - 1)", r"x - \left(y - 1\right)"),
        ("x * -y", r"x \cdot \left(-y\right)"),
        ("sqrt(x) * pi", r"\sqrt{x} \cdot \pi"),
        ("1e-5 * abs(y)", r"1 \times 10^{-5} \cdot \left|y\right|"),
        ("min(x, 2)", r"\min\left(x, 2\right)"),
    ],
)
def test_latex(text, latex):
    assert compile_formula(text).latex == latex


def test_autograd_gradient_matches_analytic():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64, requires_grad=True)
    y = torch.linspace(1, -1, 9, dtype=torch.float64, requires_grad=True)
    compile_formula("x**2 * y + sin(x * y)")(x, y).sum().backward()
    xd, yd = x.detach(), y.detach()
    torch.testing.assert_close(x.grad, 2 * xd * yd + yd * torch.cos(xd * yd))
    torch.testing.assert_close(y.grad, xd**2 + xd * torch.cos(xd * yd))


def test_vmap_hessian_matches_analytic():
    formula = compile_formula("x**2 * y + sin(x * y)")
    points = torch.randn(6, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    hess = torch.func.vmap(torch.func.hessian(lambda p: formula(p[0], p[1])))(points)
    x, y = points.unbind(-1)
    s, c = torch.sin(x * y), torch.cos(x * y)
    expected = torch.stack(
        [
            torch.stack([2 * y - y**2 * s, 2 * x + c - x * y * s], -1),
            torch.stack([2 * x + c - x * y * s, -(x**2) * s], -1),
        ],
        -2,
    )
    torch.testing.assert_close(hess, expected)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_vmap_hessian_of_every_function_matches_autograd(name):
    two = FUNCTIONS[name].arity == 2  # then one call also takes a constant: lifted under vmap
    formula = compile_formula(
        f"{name}(x*y + 0.7{', 0.5 + y' if two else ''}) * y"
        f" + {name}(0.3*x + 0.7{', 0.9' if two else ''})"
    )
    points = torch.rand(5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    batched = torch.func.vmap(torch.func.hessian(lambda p: formula(p[0], p[1])))(points)
    looped = torch.stack(
        [torch.autograd.functional.hessian(lambda p: formula(p[0], p[1]), p) for p in points]
    )
    torch.testing.assert_close(batched, looped)


HOSTILE = [  # text, a fragment the message must contain
    ("x.__class__", "dots"),
    ("().__class__.__bases__[0].__subclasses__()", "dots"),
    ("__import__('os').system('ls')", "dots"),
    ("(x + 1)(y)", "by name"),
    ("__import__('os')", "'__import__' is not available"),
    ("__builtins__", "'__builtins__'"),
    ("foo(x)", "'foo'"),
    ("getattr(x, 'real')", "'getattr'"),
    ("z + 1", "unknown name 'z'"),
    ("lambda: 1", "lambda"),
    ("[x for x in y]", "for"),
    ("sum(x for x in y)", "'sum'"),
    ("9**9**9", "exponent"),
    ("x**100000", "exponent"),
    ("x**y", "exponent"),
    ("2**x", "exp(x)"),
    ("x**(1/0)", "exponent"),
    ("x" * 10_000, "too long"),
    ("(" * 1000 + "x" + ")" * 1000, "too long"),
    ("-" * 150 + "x", "nested too deeply"),
    ("+".join(["x"] * 101), "too many parts"),
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("'hello'", "quotes"),
    ("f'{x}'", "quotes"),
    ("x[0]", "square brackets"),
    ("[x, y]", "square brackets"),
    ("{x}", "curly"),
    ("x < y", "comparisons"),
    ("x == y", "comparisons"),
    ("x and y", "'and'"),
    ("not x", "'not'"),
    ("~x", "'~'"),
    ("x if x else y", "if"),
    ("(a := 1)", ":="),
    ("x^2", "use ** for powers"),
    ("x % 2", "not available"),
    ("x // 2", "not available"),
    ("x @ y", "not available"),
    ("1j * x", "complex"),
    ("True", "'True'"),
    ("None", "'None'"),
    ("1e7 * x", "too large"),
    ("1" * 299, "too large"),
    ("sin(x=1)", "plainly"),
    ("min(**{'a': x})", "plainly"),
    ("sin(*x)", "plainly"),
    ("min(x)", "min takes 2 arguments, not 1"),
    ("sin(x, y)", "sin takes 1 argument, not 2"),
    ("sin", "is a function"),
    ("x(2)", "'x' is not a function"),
    ("sin(x)(y)", "by name"),
    ("x, y", "one number"),
    ("x y", "near position 3"),
    ("2x", "2*x"),
    ("(x + y", "never closed"),
    ("x + y)", ")"),
    ("x²", "character"),
    ("x\x00", "could not read"),
    ("await x", "not allowed"),
]


@pytest.mark.parametrize("text, fragment", HOSTILE, ids=[repr(t[:30]) for t, _ in HOSTILE])
def test_hostile_and_broken_input_is_refused_with_a_clear_message(text, fragment):
    with pytest.raises(ExpressionError) as caught:
        compile_formula(text)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_python_syntax_warnings_turned_into_errors_still_give_expression_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ExpressionError):
            compile_formula("1if x else 2")


def test_not_text_is_refused():
    with pytest.raises(ExpressionError, match="text"):
        compile_formula(3)


def test_long_sum_within_the_limits_is_accepted():
    terms = (MAX_LENGTH - 1) // 4 + 1
    text = "x" + " + x" * (terms - 1)
    assert len(text) <= MAX_LENGTH
    assert torch.equal(compile_formula(text)(torch.ones(2), torch.ones(2)), torch.full((2,), terms))


FORMULA_CHARACTERS = "xy0123456789+-*/().e pisnco_^,"


def _never_raises_anything_else(text):
    try:
        formula = compile_formula(text)
    except ExpressionError:
        return
    assert isinstance(formula.latex, str)
    x = torch.tensor([-1.5, 0.0, 2.0], dtype=torch.float64)
    out = formula(x, x.flip(0))
    assert isinstance(out, torch.Tensor) and out.shape == x.shape


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=MAX_LENGTH + 20))
def test_random_text_compiles_or_raises_expression_error(text):
    _never_raises_anything_else(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FORMULA_CHARACTERS, max_size=40))
def test_random_formula_like_text_compiles_or_raises_expression_error(text):
    _never_raises_anything_else(text)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.sampled_from(["x", "y", "2", "0.5", "pi", "e"]),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["-3", "2", "0.5"])).map(
                lambda t: f"({t[0]})**{t[1]}"
            ),
            st.tuples(st.sampled_from(sorted(FUNCTIONS)), inner).map(
                lambda t: f"{t[0]}({t[1]}" + (", x)" if FUNCTIONS[t[0]].arity == 2 else ")")
            ),
        ),
        max_leaves=12,
    )
)
def test_random_well_formed_formulas_evaluate(text):
    if len(text) <= MAX_LENGTH:
        _never_raises_anything_else(text)
        compile_formula(text)  # well-formed and short enough: must be accepted
