"""A section's settings, declared once.

Each section of a lesson declares its controls as one frozen dataclass: the fields are the
settings, their defaults are the page's defaults, and the URL key of field `f` is `<PREFIX>_f`.
The page draws each control with one of the helpers below, which take the key and the default
from the class; scenes and the start-up warm-up build instances of the same class, so a default
or a key is written in one place only.

    @dataclass(frozen=True)
    class Escape(Settings):
        PREFIX: ClassVar[str] = "saddle"
        surface: str = "saddle"
        steps: int = 500
        lr: tuple[tuple[str, float], ...] = per_name()  # one learning rate per chosen optimiser

    settings.select_slider(Escape, "steps", "Steps", STEPS)   # key "saddle_steps", default 500
    Escape(steps=300).values()                                # {"saddle_surface": "saddle", …}

A `per_name()` field holds (name, value) pairs whose keys are `<PREFIX>_<name>_<field>` (such as
`saddle_adam_lr`): the widgets of a variable list of choices.
URL keys are part of every shared link: keep them stable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import streamlit as st

from ui import controls

S = TypeVar("S", bound="Settings")

_PER_NAME = "per_name"


def per_name() -> Any:
    """A field of (name, value) pairs, one URL key per name: `<PREFIX>_<name>_<field>`."""
    return dataclasses.field(default=(), metadata={_PER_NAME: True})


def _plain(value: object) -> object:
    """A value as session state and the URL hold it: lists, not tuples."""
    return list(value) if isinstance(value, tuple) else value


@dataclasses.dataclass(frozen=True)
class Settings:
    """Base of every section's settings (see the module docstring)."""

    PREFIX: ClassVar[str] = ""

    @classmethod
    def _field(cls, name: str) -> dataclasses.Field:
        for f in dataclasses.fields(cls):
            if f.name == name:
                return f
        raise KeyError(f"{cls.__name__} has no setting {name!r}")

    @classmethod
    def key(cls, name: str, choice: str | None = None) -> str:
        """The URL key of setting `name` (of `choice`, for a per_name field)."""
        f = cls._field(name)
        if f.metadata.get(_PER_NAME):
            if choice is None:
                raise KeyError(f"{cls.__name__}.{name} needs the name of a choice")
            return f"{cls.PREFIX}_{choice}_{name}"
        return f"{cls.PREFIX}_{name}"

    @classmethod
    def default(cls, name: str) -> Any:
        return cls._field(name).default

    def values(self) -> dict[str, object]:
        """Every setting by URL key, as a scene sets them (a scene sets its whole section)."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata.get(_PER_NAME):
                out.update({self.key(f.name, k): v for k, v in value})
            else:
                out[self.key(f.name)] = _plain(value)
        return out

    @classmethod
    def from_state(cls: type[S], state: Mapping[str, object] | None = None) -> S:
        """The settings as the widgets hold them now (their defaults where not drawn yet).
        Lists become tuples, so the result is hashable and can go to a cached function."""
        state = st.session_state if state is None else state
        kwargs: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            if f.metadata.get(_PER_NAME):
                head, tail = f"{cls.PREFIX}_", f"_{f.name}"
                pairs = [
                    (k[len(head) : -len(tail)], state[k])
                    for k in state
                    if isinstance(k, str) and k.startswith(head) and k.endswith(tail)
                ]
                kwargs[f.name] = tuple(sorted(p for p in pairs if p[0]))
            elif cls.key(f.name) in state:
                value = state[cls.key(f.name)]
                kwargs[f.name] = tuple(value) if isinstance(value, list) else value
        return cls(**kwargs)

    def get(self, name: str, choice: str, fallback: Any = None) -> Any:
        """The value of a per_name setting for one choice (fallback where it has none)."""
        return dict(getattr(self, name)).get(choice, fallback)


@dataclasses.dataclass(frozen=True)
class PerOptimizer(Settings):
    """A section that runs several optimisers: each one's learning rate and own settings
    (momentum, β₁, …), one URL key per optimiser and setting (`<PREFIX>_adam_lr`)."""

    lr: tuple = per_name()
    momentum: tuple = per_name()
    alpha: tuple = per_name()
    beta1: tuple = per_name()
    beta2: tuple = per_name()
    damping: tuple = per_name()
    radius: tuple = per_name()
    g_thres: tuple = per_name()
    t_thres: tuple = per_name()


def values(*sections: Settings) -> dict[str, object]:
    """The widget values of one or more sections' settings: what a scene sets."""
    out: dict[str, object] = {}
    for section in sections:
        out.update(section.values())
    return out


def of(scene: Sequence[Settings], cls: type[S]) -> S:
    """A scene's settings of one section, or that section's defaults if the scene leaves it."""
    return next((s for s in scene if isinstance(s, cls)), cls())


# -- widgets bound to a setting ----------------------------------------------------------------


def _bound(cls: type[Settings], name: str) -> dict:
    return {"key": cls.key(name), "bind": "query-params"}


def _index(options: Sequence, default: object) -> int | None:
    options = list(options)
    return options.index(default) if default in options else None


def slider(cls: type[Settings], name: str, label: str, lo, hi, step=None, **kw):
    return st.slider(label, lo, hi, cls.default(name), step, **_bound(cls, name), **kw)


def select_slider(cls: type[Settings], name: str, label: str, options: Sequence, **kw):
    key = cls.key(name)
    if isinstance(st.session_state.get(key), list):  # a range set by a scene: it takes a tuple
        st.session_state[key] = tuple(st.session_state[key])
    return st.select_slider(label, options, value=cls.default(name), **_bound(cls, name), **kw)


def selectbox(cls: type[Settings], name: str, label: str, options: Sequence, **kw):
    index = _index(options, cls.default(name))
    return st.selectbox(label, options, index=index or 0, **_bound(cls, name), **kw)


def radio(cls: type[Settings], name: str, label: str, options: Sequence, **kw):
    index = _index(options, cls.default(name))
    return st.radio(label, options, index=index or 0, **_bound(cls, name), **kw)


def segmented(cls: type[Settings], name: str, label: str, options: Sequence, **kw):
    return st.segmented_control(
        label, options, default=cls.default(name), **_bound(cls, name), **kw
    )


def multiselect(cls: type[Settings], name: str, label: str, options: Sequence, **kw) -> tuple:
    default = [v for v in cls.default(name) if v in options]
    return tuple(st.multiselect(label, options, default=default, **_bound(cls, name), **kw))


def toggle(cls: type[Settings], name: str, label: str, **kw) -> bool:
    return st.toggle(label, value=cls.default(name), **_bound(cls, name), **kw)


def number(cls: type[Settings], name: str, label: str, lo, hi, step=None, **kw):
    return st.number_input(label, lo, hi, cls.default(name), step, **_bound(cls, name), **kw)


def log_slider(cls: type[Settings], name: str, label: str, lo: float, hi: float, **kw) -> float:
    """A log-scale slider (controls.log_slider) for a float setting."""
    return controls.log_slider(label, cls.key(name), lo, hi, default=cls.default(name), **kw)


def seed(cls: type[Settings], name: str = "seed", label: str = "Seed") -> int:
    """The seed of every random draw of the section (controls.seed_input)."""
    return controls.seed_input(cls.key(name), cls.default(name), label)
