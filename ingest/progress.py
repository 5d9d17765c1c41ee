"""Progress for long imports: a redrawn bar on a terminal, occasional plain lines anywhere else."""

import time


class Progress:
    """Call `advance()` per unit of work and `finish()` at the end.

    `total` may be None when the amount of work is unknown; then plain lines come every `every` units.
    """

    def __init__(
        self, stdout, *, total=None, label="Progress", unit="items", enabled=True, plain=False, every=100, width=30
    ):
        self.stdout = stdout
        self.total = total or None
        self.label = label
        self.unit = unit
        self.enabled = enabled
        self.every = every
        self.width = width
        self.done = 0
        # `plain`: other lines are interleaved (e.g. -v 2), so a bar redrawn in place would garble them.
        self.tty = enabled and not plain and _isatty(stdout)
        self._last_step = -1
        self._last_draw = 0.0

    def advance(self, amount=1):
        self.done += amount
        if not self.enabled:
            return
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or (self.total and self.done >= self.total):
                self._last_draw = now
                self.stdout.write(f"\r{self._bar()}", ending="")
                self.stdout.flush()
            return
        step = self._step()
        if step != self._last_step:
            self._last_step = step
            self.stdout.write(self._line())

    def finish(self):
        if not self.enabled:
            return
        if self.tty:
            self.stdout.write(f"\r{self._bar()}")
        elif self._step() != self._last_step or self.done == 0:
            self.stdout.write(self._line())

    # A step is a tenth of the total (or `every` units when the total is unknown); one plain line per step.
    def _step(self):
        if self.total:
            return min(10, self.done * 10 // self.total)
        return self.done // self.every

    def _percent(self):
        return min(100, self.done * 100 // self.total) if self.total else None

    def _line(self):
        if self.total:
            done, total = _amount(self.done, self.unit), _amount(self.total, self.unit)
            unit = "" if self.unit == "bytes" else f" {self.unit}"
            return f"{self.label}: {done} of {total}{unit} ({self._percent()}%)"
        return f"{self.label}: {_amount(self.done, self.unit)}{'' if self.unit == 'bytes' else ' ' + self.unit}"

    def _bar(self):
        if not self.total:
            return f"{self.label}: {_amount(self.done, self.unit)}"
        filled = self.width * min(self.done, self.total) // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        done, total = _amount(self.done, self.unit), _amount(self.total, self.unit)
        return f"{self.label} [{bar}] {self._percent():3d}% {done}/{total}"


def _amount(value, unit):
    if unit == "bytes":
        for suffix in ("B", "KB", "MB", "GB"):
            if value < 1024 or suffix == "GB":
                return f"{value:.0f} {suffix}" if suffix == "B" else f"{value:.1f} {suffix}"
            value /= 1024
    return str(value)


def _isatty(stdout):
    try:
        return bool(stdout.isatty())
    except (AttributeError, ValueError):
        return False
