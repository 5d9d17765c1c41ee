import io

from ingest.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Out:
    """The slice of Django's OutputWrapper that Progress uses."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text, ending="\n"):
        self.stream.write(text + ending)

    def flush(self):
        pass

    def isatty(self):
        return self.stream.isatty()


def test_on_a_terminal_a_bar_is_redrawn_in_place():
    screen = Terminal()
    progress = Progress(Out(screen), total=4, label="Importing")

    for _ in range(4):
        progress.advance()
    progress.finish()

    text = screen.getvalue()
    assert text.startswith("\rImporting [")
    assert "100% 4/4" in text
    assert text.endswith("\n")
    assert text.count("\n") == 1  # one line, redrawn


def test_elsewhere_plain_lines_at_each_tenth():
    log = io.StringIO()
    progress = Progress(Out(log), total=100, label="Importing")

    for _ in range(100):
        progress.advance()
    progress.finish()

    lines = log.getvalue().splitlines()
    assert lines[-1] == "Importing: 100 of 100 items (100%)"
    assert len(lines) == 11  # one as work starts, then one per tenth
    assert "\r" not in log.getvalue()


def test_unknown_totals_and_bytes():
    log = io.StringIO()
    progress = Progress(Out(log), label="Reading", unit="bytes", every=1024)

    progress.advance(3 * 1024 * 1024)
    progress.finish()

    assert log.getvalue().splitlines() == ["Reading: 3.0 MB"]


def test_disabled_progress_prints_nothing():
    log = io.StringIO()
    progress = Progress(Out(log), total=3, enabled=False)

    progress.advance()
    progress.finish()

    assert log.getvalue() == ""
