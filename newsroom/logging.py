"""Structured logs: one JSON object per line, carrying the id of the request being served."""

import contextvars
import datetime
import json
import logging

# Set by newsroom.middleware.RequestLogMiddleware for the duration of a request.
request_id_var = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Django puts these objects on records (django.request, django.server); they are summarised, not dumped.
_SUMMARISED_ATTRS = {"request", "server_time", "status_code"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record logged while a request is being served."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        entry = {
            "time": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # Errors logged by Django (django.request) carry the request: give them its context.
            entry.setdefault("method", request.method)
            entry.setdefault("path", getattr(request, "path", ""))
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRS or key in _SUMMARISED_ATTRS or key in entry or key.startswith("_"):
                continue
            entry[key] = value
        if record.exc_info:
            exc_type = record.exc_info[0]
            entry["error"] = exc_type.__name__ if exc_type else None
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
