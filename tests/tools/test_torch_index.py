"""The local CPU torch wheel, served to uv as a simple index.

Rationale:
    `uv run --extra cpu` takes torch from the index named `torch-cpu`; on these
    machines UV_INDEX points it at the folder tools.env.torch_index writes. If
    the page linked the wrong wheel, or none, uv would fail to resolve or take
    another build of torch.

Assumptions:
    pip's find-links entries are folders (plain paths or file:// URLs); the
    wheel files here are fakes, since only their names and bytes matter.

Invariants:
    DIR/torch/index.html links every `torch-*+cpu-*.whl` of the find-links
    folders, with its sha256, and no other torch wheel; the printed URL is DIR's;
    no find-links, or no CPU wheel, is one line on stderr naming what is
    missing, exit 1.
"""

import hashlib
import re
from pathlib import Path

import pytest

from tools.env import torch_index

pytestmark = pytest.mark.unit

CPU_WHEEL = "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
CUDA_WHEEL = "torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl"


@pytest.fixture
def find_links(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    (folder / CPU_WHEEL).write_bytes(b"cpu torch")
    (folder / CUDA_WHEEL).write_bytes(b"cuda torch")
    (folder / "numpy-2.0.0-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"numpy")
    return folder


def _links(page: Path) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', page.read_text())


def test_index_links_the_cpu_wheel_with_its_hash(tmp_path: Path, find_links: Path) -> None:
    url = torch_index.make_index(tmp_path / "index", [str(find_links)])
    assert url == (tmp_path / "index").resolve().as_uri()
    digest = hashlib.sha256(b"cpu torch").hexdigest()
    assert _links(tmp_path / "index/torch/index.html") == [
        f"{(find_links / CPU_WHEEL).resolve().as_uri()}#sha256={digest}"
    ]


def test_file_url_find_links_and_other_entries(tmp_path: Path, find_links: Path) -> None:
    entries = ["https://example.invalid/wheels", str(tmp_path / "absent"), find_links.as_uri()]
    torch_index.make_index(tmp_path / "index", entries)
    assert [link.split("#")[0].rsplit("/", 1)[1] for link in _links(tmp_path / "index/torch/index.html")] == [
        "torch-2.13.0%2Bcpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    ]


def test_rewriting_replaces_the_page(tmp_path: Path, find_links: Path) -> None:
    torch_index.make_index(tmp_path / "index", [str(find_links)])
    (find_links / CPU_WHEEL).write_bytes(b"another cpu torch")
    torch_index.make_index(tmp_path / "index", [str(find_links)])
    assert _links(tmp_path / "index/torch/index.html")[0].endswith(hashlib.sha256(b"another cpu torch").hexdigest())
    assert [path.name for path in (tmp_path / "index/torch").iterdir()] == ["index.html"]


def test_main_prints_the_url(tmp_path: Path, find_links: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch_index, "pip_sources", lambda python: {"find-links": [str(find_links)]})
    assert torch_index.main([str(tmp_path / "index")]) == 0
    assert capsys.readouterr().out == f"{(tmp_path / 'index').resolve().as_uri()}\n"


@pytest.mark.parametrize(
    "sources, message",
    [
        ({}, "tmgg: pip has no find-links folder configured"),
        ({"find-links": ["EMPTY"]}, "tmgg: no CPU torch wheel (torch-*+cpu-*.whl) in pip's find-links (EMPTY)"),
    ],
)
def test_missing_wheel_is_one_line(tmp_path: Path, monkeypatch, capsys, sources: dict, message: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / CUDA_WHEEL).write_bytes(b"cuda torch")
    sources = {key: [str(empty) if value == "EMPTY" else value for value in values] for key, values in sources.items()}
    message = message.replace("EMPTY", str(empty))
    monkeypatch.setattr(torch_index, "pip_sources", lambda python: sources)
    assert torch_index.main([str(tmp_path / "index")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert not (tmp_path / "index").exists()
