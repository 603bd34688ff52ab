"""A disk cache of the validated knowledge bundle (articles, routing rules, search index), so a
one-off `lotsen ask` starts fast. The key is a digest of every knowledge file and of the code
that builds the bundle: any change rebuilds it. Only a bundle that validated is ever cached;
any problem with the cache (unwritable folder, unreadable file) falls back to loading."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from bot.knowledge.bundle import KnowledgeBundle

_CODE = Path(__file__).resolve().parent.parent  # bot/
_BUILDERS = ("knowledge", "matching", "routing", "locales")


def cache_dir() -> Path:
    configured = os.environ.get("LOTSEN_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lotsen"


def _libraries() -> str:
    """The libraries whose behaviour is baked into the index (stemmer implementation, ...)."""
    from importlib.metadata import PackageNotFoundError, version

    import rapidfuzz
    import snowballstemmer
    import yaml

    try:
        numpy = version("numpy")  # the domain classifier's arrays are pickled with the bundle
    except PackageNotFoundError:
        numpy = "-"
    stemmer = type(snowballstemmer.stemmer("swedish"))
    return f"{stemmer.__module__}.{stemmer.__name__}|{rapidfuzz.__version__}|{yaml.__version__}|{numpy}"


def _plugin_files() -> list[Path]:
    from bot.adapters.registry import PLUGINS

    found = [_CODE / "adapters" / "registry.py"]
    for spec in PLUGINS:
        path = _CODE.parent.joinpath(*spec.partition(":")[0].split(".")).with_suffix(".py")
        if path.is_file():
            found.append(path)
    return found


def _digest(knowledge_dir: Path, routing_file: Path | None) -> str:
    digest = hashlib.sha256(_libraries().encode())
    files = sorted(p for p in Path(knowledge_dir).rglob("*") if p.is_file())
    if routing_file is not None and Path(routing_file).is_file():
        files.append(Path(routing_file))
    # The code, and the data it fits on (the out-of-domain corpus, the fitted thresholds).
    files += sorted(p for folder in _BUILDERS for p in (_CODE / folder).iterdir()
                    if p.suffix in (".py", ".json", ".yaml"))
    files += _plugin_files()  # each channel reads its navigators' ids (parse_identity)
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def load_bundle(knowledge_dir: Path, routing_file: Path | None) -> KnowledgeBundle:
    """The bundle, from the cache when the files are unchanged; raises InvalidKnowledge."""
    try:
        target: Path | None = cache_dir() / f"bundle-{_digest(knowledge_dir, routing_file)}.pickle"
    except OSError:
        target = None
    if target is not None:
        try:
            with target.open("rb") as handle:
                bundle = pickle.load(handle)
            if isinstance(bundle, KnowledgeBundle):
                return bundle
        except Exception:  # no cache yet, or one we cannot read: load from the files
            pass
    bundle = KnowledgeBundle.load(knowledge_dir, routing_file)
    bundle.matcher  # noqa: B018 - build the search index so that it is cached too
    bundle.domain  # noqa: B018 - and fit the domain classifier
    bundle.roles  # noqa: B018 - and the role reader
    bundle.finder  # noqa: B018 - and the activity finder's term sets
    if target is not None:
        _store(bundle, target)
    return bundle


def _store(bundle: KnowledgeBundle, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("bundle-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(bundle, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except Exception:  # a read-only home or a full disk only costs speed
        pass
