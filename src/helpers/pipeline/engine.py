"""A papermill engine without per-notebook start-up: a warm fork server.

A Jupyter kernel is a fresh process per notebook: it starts, imports pandas, statsmodels
and matplotlib (about 2 s) and only then runs the analysis (about 0.2 s). This engine
keeps one *warm* process (a worker of ``reportbook run``, a Dask worker, or the papermill
CLI itself) that has done the heavy imports once and holds an IPython
``InteractiveShell`` on which no code has run. For each notebook it forks a child; the
child executes the cells through that shell, with the inline matplotlib backend, and
records the outputs a kernel would send (``display_data``, ``execute_result``,
``stream``, ``error``, through the same serializers as a kernel's messages), then sends
the executed notebook back and exits.

Isolation comes from the fork: a child starts from a copy of the warm process, and
nothing a notebook does (globals, ``rcParams``, random state, functools caches, modules it
imports) survives it, so the next notebook starts from the same pristine state. The warm
process never runs notebook code. Like a fresh kernel, each child draws new random seeds.

Output capture follows ipykernel: ``sys.stdout``/``sys.stderr`` become stream outputs,
and what C code writes to file descriptors 1 and 2 during a cell is captured too (as a
kernel's ``capture_fd_output`` does), so a library that prints to the C-level stdout shows
exactly what it would show in a kernel. Nothing outside a cell reaches the notebook.

Registered for papermill as ``fork`` (``papermill --engine fork ...``, entry point in
``pyproject.toml``); ``reportbook run`` uses it unless ``--engine kernel``.

A child killed half-way (a signal, the OOM killer) is a failed run: the parent raises
:class:`NotebookProcessDied` and the runner discards what the run staged. A child dies
with its warm process (``PR_SET_PDEATHSIG``), and :func:`kill_children` stops the
running ones (the runner's stop handling calls it).
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import importlib
import io
import json
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Iterable
from pathlib import Path

#: The papermill engine name (``papermill --engine fork``, ``reportbook run --engine fork``).
ENGINE_NAME = "fork"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Imported by every warm process (what the notebooks import is added by :func:`prepare`).
BASE_IMPORTS = ("IPython.display", "jupyter_client.session", "nbformat.v4")

_warm: dict = {}
_children: set[int] = set()


class NotebookProcessDied(RuntimeError):
    """The process executing a notebook ended without returning it (killed, or crashed)."""

    ename = "NotebookProcessDied"

    def __init__(self, message: str):
        super().__init__(message)
        self.evalue = message


# ----------------------------------------------------------------------------- warm process


def notebook_imports(nb) -> list[str]:
    """The absolute modules a notebook's code cells import (cells that do not parse as
    Python, e.g. magics, are skipped)."""
    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            names += _imports_in(cell.source, package="")
    return list(dict.fromkeys(names))


def _imports_in(source: str, package: str) -> list[str]:
    """Modules imported anywhere in ``source`` (also inside functions), relative imports
    resolved against ``package``; ``from a import b`` gives ``a`` and ``a.b``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 > len(parts):
                    continue
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base:
                names.append(base)
                names += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return names


def _library_roots() -> tuple[str, ...]:
    import sysconfig

    paths = sysconfig.get_paths()
    return tuple(
        str(Path(paths[key]).resolve()) for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths
    )


def _source_of(name: str) -> tuple[str, Path | None, bool]:
    """(kind, file, is_package) of module ``name`` without importing anything: kind is
    ``library`` (standard library, site-packages, built in), ``project`` (any other
    source file, e.g. an editable install or a module beside the notebook) or
    ``missing``."""
    import importlib.util

    top, *rest = name.split(".")
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: finds, does not import
    except (ImportError, ValueError):
        return "missing", None, False
    if spec is None:
        return "missing", None, False
    if spec.origin in (None, "built-in", "frozen") and not spec.submodule_search_locations:
        return "library", None, False
    locations = list(spec.submodule_search_locations or [])
    origin = Path(spec.origin).resolve() if spec.origin not in (None, "built-in", "frozen") else None
    where = str(origin) if origin else str(Path(locations[0]).resolve()) if locations else ""
    if where.startswith(_library_roots()):
        return "library", origin, bool(locations)
    path, package = origin, bool(locations)
    for part in rest:
        found = None
        for folder in locations:
            if (Path(folder) / part / "__init__.py").exists():
                found, locations, package = Path(folder) / part / "__init__.py", [str(Path(folder) / part)], True
                break
            if (Path(folder) / f"{part}.py").exists():
                found, locations, package = Path(folder) / f"{part}.py", [], False
                break
        if found is None:
            return "missing", None, False
        path = found
    return "project", path, package


def library_imports(modules: Iterable[str]) -> list[str]:
    """The libraries that ``modules`` import, directly or through the project's own
    modules (followed through their source, also imports inside functions, without
    running them). Project modules themselves are not listed: they are never imported by
    the warm process."""
    libraries: list[str] = []
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        name = todo.pop(0)
        if name in seen or not name:
            continue
        seen.add(name)
        kind, path, package = _source_of(name)
        if kind == "library":
            libraries.append(name)
        elif kind == "project" and path is not None and path.suffix == ".py":
            parts = name.split(".")
            parents = [".".join(parts[:i]) for i in range(1, len(parts))]
            todo += parents + _imports_in(path.read_text(encoding="utf-8"), name if package else ".".join(parts[:-1]))
    return list(dict.fromkeys(libraries))


def prepare(notebooks: Iterable = ()) -> None:
    """Make this process a warm fork server: the shell (once), and the libraries that the
    given notebooks import (directly or through the project's modules); a library that
    cannot be imported is left to the notebook, which then fails as it would in a kernel.
    Call it once with every notebook the process will run: what it imports is the state
    every child starts from."""
    if "shell" not in _warm:
        # what ipykernel does before it starts the shell
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        _warm["shell"] = _make_shell()
        _warm["imported"] = set()
        _warm["fonts"] = False
    modules = list(BASE_IMPORTS)
    for nb in notebooks:
        modules += notebook_imports(nb)
    new = [name for name in library_imports(modules) if name not in _warm["imported"]]
    for name in new:
        _warm["imported"].add(name)
        if name in sys.modules:
            continue
        with contextlib.suppress(Exception), _quiet_fds():
            importlib.import_module(name)
    if not _warm["fonts"] and "matplotlib" in sys.modules:
        _warm["fonts"] = _load_fonts()
    if new:
        import gc

        gc.collect()
        gc.freeze()  # what is here now is shared with every child: keep the collector off it


@contextlib.contextmanager
def _quiet_fds():
    """Silence C-level output (a library banner at import) in the warm process."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def _load_fonts() -> bool:
    """Render one line of text off-screen, so that matplotlib's font list, font files and
    glyph caches are loaded once here and not in every child (no pyplot, no figure
    manager: nothing a notebook can see changes)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "Æøå 0123456789 %,.–«..»", fontsize=10)
        fig.text(0.1, 0.2, "Æøå", fontsize=8, fontweight="bold")
        FigureCanvasAgg(fig).print_png(io.BytesIO())
    except Exception:  # noqa: BLE001 - only a warm-up
        return False
    return True


def _make_shell():
    """The pristine InteractiveShell every child executes on (no history file, outputs
    captured as a kernel sends them). Creating it makes its user module ``__main__``; the
    warm process keeps its own ``__main__`` and each child installs the shell's."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class KernelDisplayPublisher(DisplayPublisher):
        """``display(...)``: a ``display_data`` (or ``update_display_data``) message."""

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self._validate_data(data, metadata)
            _flush_python_streams()
            _sink.message(
                "update_display_data" if update else "display_data",
                {"data": data, "metadata": metadata or {}, "transient": transient or {}},
            )

        def clear_output(self, wait=False):
            _flush_python_streams()
            _sink.clear(wait)

    class KernelDisplayHook(DisplayHook):
        """The value of a cell's last expression: an ``execute_result`` message."""

        msg = None

        def start_displayhook(self):
            self.msg = {"data": {}, "metadata": {}}

        def write_output_prompt(self):
            self.msg["execution_count"] = self.prompt_count

        def write_format_data(self, format_dict, md_dict=None):
            self.msg["data"], self.msg["metadata"] = format_dict, md_dict

        def finish_displayhook(self):
            _flush_python_streams()
            if self.msg and self.msg["data"]:
                _sink.message("execute_result", self.msg)
            self.msg = None

    class KernelShell(InteractiveShell):
        """Tracebacks become ``error`` outputs (ipykernel's ``_showtraceback``)."""

        def _showtraceback(self, etype, evalue, stb):
            _flush_python_streams()
            _sink.message("error", {"traceback": stb, "ename": str(etype.__name__), "evalue": str(evalue)})
            self._last_traceback = stb

    config = Config()
    config.HistoryManager.enabled = False  # a kernel's history file is not part of its outputs
    main = sys.modules.get("__main__")
    with _quiet_fds():
        shell = KernelShell.instance(
            config=config, display_pub_class=KernelDisplayPublisher, displayhook_class=KernelDisplayHook
        )
    if main is not None:
        sys.modules["__main__"] = main
    return shell


# ----------------------------------------------------------------------------- outputs


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")


class _Sink:
    """Where a cell's outputs go, built as nbclient builds them from a kernel's messages."""

    def __init__(self):
        self.outputs: list = []
        self.by_display_id: dict[str, list] = {}
        self.clear_next = False

    def start_cell(self, outputs: list) -> None:
        self.outputs, self.clear_next = outputs, False

    def _prepare(self) -> None:
        if self.clear_next:
            self.outputs[:] = []
            self.clear_next = False

    def message(self, msg_type: str, content: dict) -> None:
        from jupyter_client.session import json_packer, json_unpacker
        from nbformat.v4 import output_from_msg

        content = json_unpacker(json_packer(content))  # what goes over the wire
        transient = content.pop("transient", None) or {}
        display_id = transient.get("display_id")
        if display_id and msg_type in ("display_data", "execute_result", "update_display_data"):
            for out in self.by_display_id.get(display_id, []):  # nbclient's _update_display_id
                out["data"], out["metadata"] = content["data"], content["metadata"]
        if msg_type == "update_display_data":
            return
        self._prepare()
        out = output_from_msg({"header": {"msg_type": msg_type}, "content": content})
        if display_id:
            self.by_display_id.setdefault(display_id, []).append(out)
        self.outputs.append(out)

    def stream(self, name: str, text: str) -> None:
        from nbformat.v4 import new_output

        if not text:
            return
        self._prepare()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            last["text"] += text
        else:
            self.outputs.append(new_output("stream", name=name, text=text))

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_next = True
        else:
            self.outputs[:] = []


_sink = _Sink()


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` of a child: writes become stream outputs."""

    def __init__(self, name: str, fd: int):
        super().__init__()
        self.name, self._fd = name, fd

    @property
    def encoding(self):
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        _sink.stream(self.name, text)
        return len(text)


def _flush_python_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


class _FdCapture:
    """During a cell, file descriptors 1 and 2 write to temporary files (C-level output);
    between cells they are the warm process's again."""

    def __init__(self):
        self.files = {fd: tempfile.TemporaryFile() for fd in (1, 2)}  # noqa: SIM115 - kept for the whole run
        self.read_to = {1: 0, 2: 0}
        self.saved: dict[int, int] = {}

    def __enter__(self):
        for stream in (sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                stream.flush()
        for fd, file in self.files.items():
            self.saved[fd] = os.dup(fd)
            os.dup2(file.fileno(), fd)
        return self

    def __exit__(self, *exc):
        for stream in (sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None).fflush(None)  # C stdio buffers
        for fd, saved in self.saved.items():
            os.dup2(saved, fd)
            os.close(saved)
        self.saved = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            file = self.files[fd]
            file.seek(self.read_to[fd])
            data = file.read()
            self.read_to[fd] += len(data)
            _sink.stream(name, data.decode("utf-8", errors="replace"))
        return False


# ----------------------------------------------------------------------------- the child


class _CellFailed(Exception):
    pass


def _language_info() -> dict:
    import platform

    return {
        "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": f"ipython{sys.version_info[0]}",
        "version": platform.python_version(),
    }


def _die_with_parent(parent: int) -> None:
    """SIGKILL this child when the process that forked it ends (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the runner's stop handling still kills children
        pass
    if os.getppid() != parent:
        os._exit(1)


def _no_input(*args, **kwargs):
    from IPython.core.error import StdinNotImplementedError

    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


def _become_kernel(parent: int) -> None:
    """What a fresh kernel has that a copy of the warm process does not."""
    import builtins
    import random

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    shell = _warm["shell"]
    sys.modules["__main__"] = shell.user_module
    if "" not in sys.path:  # the kernel's working directory is importable
        sys.path.insert(0, "")
    builtins.input = _no_input
    random.seed()  # a fresh process draws new seeds
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    sys.stdout, sys.stderr = _Stream("stdout", 1), _Stream("stderr", 2)


def _execute_cell(shell, cell, index: int, capture: _FdCapture, timeout: float | None) -> None:
    """One code cell, as nbclient executes it with a kernel (its rules for skipped cells,
    ``raises-exception`` and timing metadata)."""
    if cell.cell_type != "code" or not cell.source.strip():
        return
    cell.metadata["execution"] = {}
    timing = cell.metadata["execution"]
    cell.outputs = []
    _sink.start_cell(cell.outputs)
    timing["iopub.status.busy"] = _now()
    count = shell.execution_count
    cell.execution_count = count
    timing["iopub.execute_input"] = _now()
    if timeout:
        signal.signal(signal.SIGALRM, _timed_out)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with capture:
            result = shell.run_cell(cell.source, store_history=True, silent=False, cell_id=cell.get("id"))
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
    timing["shell.execute_reply"] = _now()
    timing["iopub.status.idle"] = _now()
    failed = result.error_before_exec is not None or result.error_in_exec is not None
    if failed and "raises-exception" not in cell.metadata.get("tags", []):
        raise _CellFailed(index)


def _timed_out(signum, frame):
    raise TimeoutError("Cell execution timed out")


def _child(nb_man, result_file, parent: int, timeout: float | None, log_output: bool, streams, progress=None) -> None:
    """Run in the forked child: execute every cell (one byte to ``progress`` after each),
    write the notebook to ``result_file``."""
    _become_kernel(parent)
    shell = _warm["shell"]
    nb_man.pbar = None  # the parent's progress bar completes when the child is done
    capture = _FdCapture()
    nb = nb_man.nb
    for index, cell in enumerate(nb.cells):
        try:
            nb_man.cell_start(cell, index)
            _execute_cell(shell, cell, index, capture, timeout)
        except _CellFailed:
            nb_man.cell_exception(nb.cells[index], cell_index=index)
            break
        finally:
            nb_man.cell_complete(nb.cells[index], cell_index=index)
            _log_outputs(nb.cells[index], log_output, streams)
            if progress is not None:
                with contextlib.suppress(OSError):
                    os.write(progress, b".")
    nb.metadata["language_info"] = _language_info()
    result_file.write(json.dumps(nb, ensure_ascii=False).encode("utf-8"))
    result_file.flush()


def _log_outputs(cell, log_output: bool, streams) -> None:
    """papermill's ``--log-output``, ``--stdout-file`` and ``--stderr-file``."""
    if cell.cell_type != "code" or not (log_output or any(streams)):
        return
    from papermill.log import logger

    stdout_file, stderr_file = streams
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            target = stdout_file if out["name"] == "stdout" else stderr_file
            if log_output:
                (logger.info if out["name"] == "stdout" else logger.warning)(out["text"])
            if target:
                target.write(out["text"])
                target.flush()
        elif log_output and "text/plain" in out.get("data", {}):
            logger.info(out["data"]["text/plain"])


# ----------------------------------------------------------------------------- the parent


def kill_children(signum: int = signal.SIGKILL) -> None:
    """Stop every notebook process this process runs (also from a signal handler)."""
    for pid in list(_children):
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def execute_forked(
    nb_man, timeout: float | None = None, log_output: bool = False, streams=(None, None), save_cells: bool = True
):
    """Execute ``nb_man.nb`` in a forked child of this (warm) process; returns the
    executed notebook, or raises :class:`NotebookProcessDied`."""
    import nbformat

    if "shell" not in _warm:  # the papermill CLI: warm up for this notebook
        prepare([nb_man.nb])
    parent = os.getpid()
    with tempfile.TemporaryFile() as result_file:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        progress_r, progress_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                os.close(progress_r)
                if not save_cells:
                    nb_man.output_path = None
                _child(nb_man, result_file, parent, timeout, log_output, streams, progress_w)
            except BaseException:  # noqa: BLE001 - reported to the parent, never raised past the fork
                code = 70
                with contextlib.suppress(Exception):
                    os.write(2, traceback.format_exc().encode("utf-8", "replace"))
            finally:
                os._exit(code)
        _children.add(pid)
        os.close(progress_w)
        try:
            with open(progress_r, "rb", buffering=0) as progress:
                while done := progress.read(64):  # until the child exits
                    if nb_man.pbar is not None:
                        nb_man.pbar.update(len(done))
            _, status = os.waitpid(pid, 0)
        except BaseException:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise
        finally:
            _children.discard(pid)
        result_file.seek(0)
        data = result_file.read()
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        raise NotebookProcessDied(f"notebookens proces blev stoppet ({name}), før den var færdig")
    if os.WEXITSTATUS(status) != 0 or not data:
        raise NotebookProcessDied(f"notebookens proces stoppede med kode {os.WEXITSTATUS(status)}")
    return nbformat.from_dict(json.loads(data))


def _papermill_engine():
    """papermill's Engine subclass (made on first use: papermill loads this module while it
    registers its engines, so it cannot be imported here at module level)."""
    if "engine" not in _warm:
        from papermill.engines import Engine

        class _ForkServerEngine(Engine):
            @classmethod
            def execute_managed_notebook(
                cls,
                nb_man,
                kernel_name,
                log_output=False,
                stdout_file=None,
                stderr_file=None,
                start_timeout=60,
                execution_timeout=None,
                save_cells=True,
                **kwargs,
            ):
                """``save_cells=False``: the output notebook is written when execution starts
                and when it ends, not after every cell (papermill's default, kept for the CLI)."""
                language = nb_man.nb.metadata.get("kernelspec", {}).get("language", "python")
                if language != "python":
                    raise ValueError(f"The fork engine runs Python notebooks, not {language!r} ({kernel_name})")
                nb_man.nb = execute_forked(
                    nb_man,
                    timeout=execution_timeout,
                    log_output=log_output,
                    streams=(stdout_file, stderr_file),
                    save_cells=save_cells,
                )
                return nb_man.nb

        _warm["engine"] = _ForkServerEngine
    return _warm["engine"]


class ForkEngine:
    """The papermill engine (entry point ``papermill.engine: fork``)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _papermill_engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        from papermill.utils import nb_kernel_name

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        from papermill.utils import nb_language

        return nb_language(nb, language)


def warm_up_notebooks(paths: Iterable[str | Path]) -> None:
    """:func:`prepare` for the given notebook files."""
    import nbformat

    notebooks = []
    for path in paths:
        with contextlib.suppress(Exception):
            notebooks.append(nbformat.read(path, as_version=4))
    prepare(notebooks)
