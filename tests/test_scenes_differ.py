"""Every lesson scene changes something: a scene whose settings equal the defaults leaves the
page as it was when clicked (issue 18 found two on the dimensions page)."""

import pytest

from lessons import LESSONS

SCENES = [
    pytest.param(scene, id=f"{lesson.name}: {name}")
    for lesson in LESSONS
    for name, scene in getattr(lesson.compute(), "SCENES", {}).items()
]


def test_every_lesson_has_scenes_to_check():
    assert len(SCENES) >= len(LESSONS)


@pytest.mark.parametrize("scene", SCENES)
def test_a_scene_differs_from_the_defaults(scene):
    """A scene sets whole sections; at least one of them differs from its section's defaults."""
    changed = [type(s).__name__ for s in scene if s != type(s)()]
    assert changed, f"every section of the scene equals its defaults: {scene}"
