"""The spaCy side of the stages that read language resources: config setting and serialisation.

`onu_segmenter`, `onu_entities`, `onu_titles`, `onu_people`, `onu_quotes` and `onu_attribution`
read the files of `models/` (`pipeline.resources`). Their factories return a `ResourceStage`,
which holds the stage object and the resources it was built from:

- the folder is the component's `models` config setting (`null`: `PIPELINE_MODELS`, else the
  checkout's `models/`), so it shows in `nlp.config` and in a saved `config.cfg`;
- `to_disk(path)` writes the resource files the stage was built from into the component's folder
  of a saved pipeline (with a `cfg` naming them, their sha256 and the `models` setting), and
  `from_disk(path)` rebuilds the stage from those copies (edit them there to change a saved
  pipeline's resources): a pipeline saved with `nlp.to_disk` is self-contained and gives
  the same records wherever `spacy.load` reads it, whatever `models` names or holds there;
- `to_bytes`/`from_bytes` do the same in memory (`nlp.to_bytes()`).

While spaCy loads a saved pipeline it creates each component from `config.cfg` before calling
its `from_disk`. If the configured folder is missing there (another machine, no checkout), the
stage is built in `from_disk` from the saved copies; a component that never gets resources
raises `FileNotFoundError` on its first document.

The stage classes themselves are unchanged: attributes the stage has (`res`, `min_words`…) are
read through the wrapper, and `.stage` is the stage object.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import srsly
from spacy.tokens import Doc
from spacy.util import ensure_path

from ..resources import (RESOURCE_FILES, Resources, read_resource_files, resources_digest,
                         resources_from_files, resources_path)
from ._ext import ensure_extensions

CFG = "cfg"
_OWN = frozenset({"name", "models", "_build", "_stage"})
FORMAT = 1


class ResourceStage:
    """A spaCy component wrapping one stage that is built from `Resources`."""

    def __init__(self, name: str, models: Optional[str], build: Callable[[Resources], Any]):
        ensure_extensions()
        self.name = name
        self.models = models
        self._build = build
        self._stage: Any = None
        folder = resources_path(models)
        if all((folder / f).exists() for f in RESOURCE_FILES):
            self._set(read_resource_files(folder))
        # else: left to from_disk/from_bytes (a saved pipeline on a machine without the folder)

    # -- the stage ---------------------------------------------------------------------------
    def _set(self, files: dict[str, str]) -> None:
        res = resources_from_files(files)
        if self._stage is not None and getattr(self._stage, "res", None) is res:
            return  # same content as the stage already holds: nothing to rebuild
        self._stage = self._build(res)

    @property
    def stage(self) -> Any:
        """The stage object; built from the configured folder on first use if not yet built."""
        if self._stage is None:
            self._set(read_resource_files(self.models))  # FileNotFoundError names the file
        return self._stage

    @property
    def resources(self) -> Resources:
        return self.stage.res

    def __call__(self, doc: Doc) -> Doc:
        return self.stage(doc)

    def __getattr__(self, attr: str) -> Any:
        # only reached for attributes the wrapper lacks; never builds the stage (spaCy probes
        # components with hasattr while it loads a pipeline, before from_disk)
        if attr.startswith("_"):
            raise AttributeError(attr)
        stage = self.__dict__.get("_stage")
        if stage is None:
            raise AttributeError(attr)
        return getattr(stage, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        # a setting of the stage ("min_words") is set on the stage, not shadowed on the wrapper
        if attr not in _OWN and self.__dict__.get("_stage") is not None and \
                hasattr(self._stage, attr):
            setattr(self._stage, attr, value)
        else:
            object.__setattr__(self, attr, value)

    def __repr__(self) -> str:
        state = type(self._stage).__name__ if self._stage is not None else "not built"
        return f"<ResourceStage {self.name!r}: {state}, models={self.models!r}>"

    # -- serialisation -----------------------------------------------------------------------
    def _files(self) -> dict[str, str]:
        return dict(self.resources.files)

    def to_disk(self, path: str | Path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        files = self._files()
        for name, text in files.items():
            (path / name).write_text(text, encoding="utf-8")
        srsly.write_json(path / CFG, {"format": FORMAT, "files": sorted(files),
                                      "sha256": resources_digest(files), "models": self.models})

    def from_disk(self, path: str | Path, *, exclude=tuple()) -> "ResourceStage":
        path = ensure_path(path)
        self._set(read_resource_files(path))
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        files = self._files()
        return srsly.msgpack_dumps({"format": FORMAT, "files": files,
                                    "sha256": resources_digest(files), "models": self.models})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "ResourceStage":
        self._set(dict(srsly.msgpack_loads(data)["files"]))
        return self

