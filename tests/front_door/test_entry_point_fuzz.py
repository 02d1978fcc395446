"""A fuzzer over the real entry points: command lines drawn from the config tree, then broken.

Rationale: preflight is the front door (issue #26); whatever a researcher
types, the answer must be a status the README documents and a line that says
what is wrong. Hand-picked cases cover the bugs someone thought of; this draws
command lines from the actual configs (every runner, every leaf key, every
group option) and breaks them the ways people do: a misspelt key, group or
option (at any position of a sweep, the first job included), a key moved one
level up or down (as the original tmgg's keys are), a value of the wrong type
for a leaf, an out-of-range value, malformed sweep syntax, an unknown runner.
Each is run through ``tmgg.preflight.launch_preflight.main`` in-process, and the
mutations refused while composing also through the runner itself
(``make_runner``), which must refuse them before it trains.

Assumptions: the repository's configs/ and pyproject.toml; hypothesis, seeded
(``derandomize=True``) with ``TMGG_FUZZ_EXAMPLES`` examples (default 100; the
figures of a run are in docs/launches.md); value mutations run one job (``sweep=false``), so
a job check builds at most one model per example. The longer run and its
figures are in docs/launches.md ("Bad input").

Invariants, per command line: exit status 0, 1 or 2; no traceback; bad input
(2) is one line and a failed check (1) at most three lines besides the ``ok``
lines, whose error line names the key, option, value or runner that was
broken; a moved key's refusal names the key it moved from; nothing is written
under the output root.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tmgg.launch.runner_names import console_scripts, runner_arguments, runner_label  # noqa: E402
from tmgg.preflight import launch_preflight as preflight  # noqa: E402
from tmgg.runners import make_runner  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EXAMPLES = int(os.environ.get("TMGG_FUZZ_EXAMPLES", "100"))
KINDS = (
    "misspelt_key",
    "moved_key",
    "misspelt_option",
    "misspelt_group",
    "wrong_type",
    "out_of_range",
    "malformed",
    "unknown_runner",
)
# Kinds Hydra refuses while composing: preflight answers 2, and the runner refuses them too, before training.
REFUSED_BY_COMPOSITION = ("misspelt_key", "moved_key", "misspelt_option", "misspelt_group")
WRONG_VALUES = ("abc", "1.5", "true", "[1,2]", "{a: 1}", "null", "''", "")
OUT_OF_RANGE = ("-1", "0", "1000000000", "-0.5", "1e12", "nan", "inf")
MALFORMED = ("{key}=choice(", "{key}=range(1,", "={value}", "{key}=={value}", "{key}=1,,2", "{key}=[1,", "{key}", "{key}=choice()")
GROUPS = ("model", "data", "noise", "trainer", "logger")


@dataclass(frozen=True)
class Tree:
    """A runner's config tree: its leaf keys with their values, and its groups' options."""

    script: str
    leaves: tuple[tuple[str, object], ...]
    paths: frozenset[str]
    options: dict[str, tuple[str, ...]]
    sweeps: bool


@dataclass(frozen=True)
class Case:
    """A broken command line and the token its refusal must name."""

    kind: str
    script: str
    argv: tuple[str, ...]
    named: tuple[str, ...]
    moved_from: str | None = None


def configs_dir() -> Path:
    from tmgg.paths import config_dir

    return config_dir()


@functools.cache
def scripts() -> dict[str, str]:
    return console_scripts(configs_dir().parent / "pyproject.toml")


@functools.cache
def tree(script: str) -> Tree:
    """The runner's single job, composed once; its leaves are what the fuzzer overrides."""
    from omegaconf import DictConfig, ListConfig

    from tmgg.launch.config_options import single_job, sweep_plan

    label = runner_label(script, configs_dir())
    leaves: list[tuple[str, object]] = []

    def walk(node: DictConfig, prefix: str) -> None:
        for key in node.keys():
            if not prefix and key == "hydra":
                continue
            child = node._get_node(key)
            path = f"{prefix}{key}"
            if isinstance(child, DictConfig):
                if not child._is_none() and not child._is_interpolation():
                    walk(child, f"{path}.")
            elif not isinstance(child, ListConfig) and not child._is_interpolation() and not str(key).startswith("_"):
                leaves.append((path, child._value()))

    with single_job(label).config() as cfg:
        walk(cfg, "")
        choices = dict(cfg.hydra.runtime.choices)
    from tmgg.config_keys import config_paths

    with single_job(label).config() as cfg:
        paths = frozenset(config_paths(cfg))
    root = configs_dir()
    options = {}
    for group in GROUPS:
        if choices.get(group):
            options[group] = tuple(
                sorted(p.relative_to(root / group).with_suffix("").as_posix() for p in (root / group).rglob("*.yaml"))
            )
    return Tree(script, tuple(leaves), paths, options, sweep_plan(label).multirun)


def _misspell(draw, word: str) -> str:
    """One typo: a letter dropped, doubled, swapped with the next, or replaced."""
    alphabet = "abcdefghijklmnopqrstuvwxyz_"
    for _ in range(10):
        at = draw(st.integers(0, max(len(word) - 1, 0)))
        how = draw(st.sampled_from(("drop", "double", "swap", "replace")))
        if how == "drop" and len(word) > 1:
            typo = word[:at] + word[at + 1 :]
        elif how == "double":
            typo = word[: at + 1] + word[at:]
        elif how == "swap" and at + 1 < len(word):
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            typo = word[:at] + draw(st.sampled_from(alphabet)) + word[at + 1 :]
        if typo != word and typo:
            return typo
    return word + "x"


def _value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    return text if re.fullmatch(r"[\w.+-]+", text) else f"'{text}'"


@st.composite
def cases(draw) -> Case:
    script = draw(st.sampled_from(sorted(scripts())))
    kind = draw(st.sampled_from(KINDS))
    if kind == "unknown_runner":
        typo = _misspell(draw, script)
        if typo in scripts():
            typo += "x"
        return Case(kind, typo, (), (typo,))
    t = tree(script)
    single = ("sweep=false",) if t.sweeps else ()
    path, value = draw(st.sampled_from(t.leaves))
    parts = path.split(".")
    if kind == "misspelt_key":
        at = draw(st.integers(0, len(parts) - 1))
        typo = ".".join([*parts[:at], _misspell(draw, parts[at]), *parts[at + 1 :]])
        if typo in t.paths:
            typo = f"{typo}x"
        return Case(kind, script, (*single, f"{typo}={_value(value)}"), (typo,))
    if kind == "moved_key":
        if len(parts) > 1 and draw(st.booleans()):
            at = draw(st.integers(0, len(parts) - 2))
            moved = ".".join(parts[:at] + parts[at + 1 :])  # one level up: a parent dropped
        else:
            siblings = sorted({p.split(".")[len(parts) - 1] for p in t.paths if p.count(".") == len(parts) - 1} - {parts[-1]})
            inserted = draw(st.sampled_from(siblings or ["net"]))
            moved = ".".join([*parts[:-1], inserted, parts[-1]])  # one level down: under a sibling
        if moved in t.paths:
            moved = f"{moved}x"
        return Case(kind, script, (*single, f"{moved}={_value(value)}"), (moved,), moved_from=path)
    if kind == "misspelt_option":
        group = draw(st.sampled_from(sorted(t.options)))
        options = list(t.options[group])
        option = draw(st.sampled_from(options))
        name = option.rsplit("/", 1)
        typo = "/".join([*name[:-1], _misspell(draw, name[-1])])
        if typo in options:
            typo += "x"
        others = draw(st.lists(st.sampled_from(options), max_size=2, unique=True))
        at = draw(st.integers(0, len(others)))
        sweep = [*others[:at], typo, *others[at:]]
        return Case(kind, script, ("-m", f"{group}={','.join(sweep)}"), (f"{group}/{typo}",))
    if kind == "misspelt_group":
        group = draw(st.sampled_from(sorted(t.options)))
        typo = _misspell(draw, group)
        if typo in t.paths:
            typo += "x"
        return Case(kind, script, (*single, f"{typo}={t.options[group][0]}"), (typo,))
    if kind in ("wrong_type", "out_of_range"):
        new = draw(st.sampled_from(WRONG_VALUES if kind == "wrong_type" else OUT_OF_RANGE))
        return Case(kind, script, (*single, f"{path}={new}"), (path, parts[-1]))
    template = draw(st.sampled_from(MALFORMED))
    override = template.format(key=path, value=_value(value))
    return Case(kind, script, (*single, override), (path, override))


def _names(line: str, case: Case) -> bool:
    return any(token in line for token in case.named)


def _error_lines(lines: list[str]) -> list[str]:
    """What preflight said besides its header and the jobs that passed."""
    return [line for line in lines if not line.startswith("ok    ") and not re.match(r"preflight: .*: (one job|a multirun of)", line)]


def check_preflight_output(case: Case, status: int, text: str, said: object = None) -> None:
    """What preflight answered `case` with: its exit status and what it printed (`said` shown on failure)."""
    said = (case, text) if said is None else said
    lines = text.strip().splitlines()
    assert status in (0, 1, 2), said
    assert "Traceback" not in text, said
    errors = _error_lines(lines)
    if status == 2:
        assert len(lines) == 1 and _names(lines[0], case), said
    elif status == 1:
        failed = [line for line in errors if line.startswith("FAIL  ")]
        assert len(errors) <= 3 and failed, said
        assert all(_names(line, case) for line in failed), said
    if case.kind in REFUSED_BY_COMPOSITION or case.kind == "unknown_runner":
        assert status == 2, said
    if case.kind == "malformed":
        assert status != 0, said
    if case.moved_from:
        assert case.moved_from in lines[-1], said


def check_preflight(case: Case, root: Path) -> int:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = preflight.main([case.script, *case.argv])
    check_preflight_output(case, status, out.getvalue())
    assert not any(root.iterdir()), f"{case}: wrote {sorted(root.rglob('*'))}"
    return status


def check_runner(case: Case, root: Path) -> None:
    """The runner refuses what Hydra refuses while composing: one line on stderr, exit 2, nothing written."""
    from hydra.core.global_hydra import GlobalHydra

    label = runner_label(case.script, configs_dir())
    runner = make_runner(*runner_arguments(label, configs_dir()))
    err = io.StringIO()
    argv = [case.script, *case.argv]
    saved = sys.argv
    sys.argv = argv
    GlobalHydra.instance().clear()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as stop:
            runner()
    finally:
        sys.argv = saved
        GlobalHydra.instance().clear()
    lines = err.getvalue().strip().splitlines()
    assert stop.value.code == 2, (case, err.getvalue())
    assert len(lines) == 1 and _names(lines[0], case), (case, err.getvalue())
    if case.moved_from:
        assert case.moved_from in lines[0], (case, err.getvalue())
    assert not any(root.iterdir()), f"{case}: wrote {sorted(root.rglob('*'))}"


@contextlib.contextmanager
def _output_root():
    """An empty output root and working directory for one example; HYDRA_FULL_ERROR off as for a user."""
    saved_cwd, saved_env = os.getcwd(), {k: os.environ.get(k) for k in ("TMGG_OUTPUT_ROOT", "HYDRA_FULL_ERROR")}
    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as folder:
        root = Path(folder) / "outputs"
        root.mkdir()
        os.environ["TMGG_OUTPUT_ROOT"] = str(root)
        os.environ.pop("HYDRA_FULL_ERROR", None)
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(saved_cwd)
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


# How the fuzzer draws, here and in its sample through tools/tmgg (test_fuzz_through_tmgg.py):
# derandomized, no example database, no shrinking (a drawn case is already a readable command
# line, and shrinking one costs minutes).
DRAWS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(DRAWS, max_examples=EXAMPLES)
@given(case=cases())
def test_every_broken_command_line_is_refused_in_one_line(case: Case) -> None:
    with _output_root() as root:
        status = check_preflight(case, root)
        # Counted by --hypothesis-show-statistics: what each kind of break came to.
        event(f"{case.kind}: exit {status}")
        # Refused while planning, so the runner refuses it before training: cheap to run in-process.
        if status == 2 and case.kind != "unknown_runner":
            check_runner(case, root)
