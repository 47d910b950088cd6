/// The Python runtime client the toolkit ships: standard library only, written to disk at run
/// time and started as `python3.x -u <file>` in the function's code directory. It does what
/// AWS's awslambdaric does (GATEWAY-REFERENCE-2 §15.4): loads `_HANDLER` (split at the last
/// dot) with the task root on `sys.path`, posts init errors with AWS's types and messages,
/// runs the Runtime API loop with a context object, and reports handler exceptions as
/// `{"errorMessage", "errorType", "requestId", "stackTrace"}`.
enum PythonRuntimeClient {
    /// The file's name.
    static let fileName = "itemsapi_lambda_runtime.py"

    /// The source.
    static let source = #"""
        # The toolkit's Python runtime client for the Lambda Runtime API (2018-06-01).
        import decimal
        import importlib
        import io
        import json
        import logging
        import os
        import socket
        import sys
        import time
        import traceback

        _API = os.environ["AWS_LAMBDA_RUNTIME_API"]
        _BASE = "/2018-06-01/runtime/"
        _THIS_FILE = os.path.abspath(__file__)
        _request_id = ""
        _FUNCTION_NAME = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        _FUNCTION_VERSION = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        _MEMORY_SIZE = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        _LOG_GROUP = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        _LOG_STREAM = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")


        class _Connection:
            """A keep-alive HTTP/1.1 connection to the Runtime API: small and fast (the server
            always answers with Content-Length)."""

            def __init__(self, address):
                host, _, port = address.rpartition(":")
                self.address = (host, int(port))
                self.sock = None
                self.buffer = b""
                self.pending = b""

            def close(self):
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
                self.buffer = b""
                self.pending = b""

            def send(self, method, path, body=b"", headers=None):
                """Sends one request without waiting for its answer (HTTP/1.1 pipelining)."""
                if self.sock is None:
                    self.sock = socket.create_connection(self.address)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                head = "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n" % (method, path, _API, len(body))
                for name, value in (headers or {}).items():
                    head += "%s: %s\r\n" % (name, value)
                self.pending += head.encode("latin-1") + b"\r\n" + body
            def flush(self):
                sys.stdout.flush()  # what the function printed goes out before its answer
                if self.pending:
                    data, self.pending = self.pending, b""
                    self.sock.sendall(data)
            def receive(self):
                """The next answer, in the order the requests were sent."""
                self.flush()
                while True:
                    end = self.buffer.find(b"\r\n\r\n")
                    if end >= 0:
                        break
                    self._receive()
                lines = self.buffer[:end].decode("latin-1").split("\r\n")
                rest = self.buffer[end + 4:]
                status = int(lines[0].split(" ", 2)[1])
                fields = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    fields[name.strip().lower()] = value.strip()
                length = int(fields.get("content-length", "0"))
                self.buffer = rest
                while len(self.buffer) < length:
                    self._receive()
                payload, self.buffer = self.buffer[:length], self.buffer[length:]
                if fields.get("connection", "").lower() == "close":
                    self.close()
                return status, fields, payload
            def request(self, method, path, body=b"", headers=None):
                self.send(method, path, body, headers)
                return self.receive()
            def _receive(self):
                if self.sock is None:
                    raise ConnectionError("the Runtime API closed the connection")
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("the Runtime API closed the connection")
                self.buffer += chunk


        _connection = _Connection(_API)


        def _call(method, path, body=b"", headers=None):
            for attempt in (0, 1):
                try:
                    return _connection.request(method, _BASE + path, body, headers)
                except OSError:
                    _connection.close()
                    if attempt == 1:
                        raise


        def _answer_and_next(path, body, headers):
            """Posts an invocation's answer and asks for the next invocation in one write (both
            requests pipelined on the keep-alive connection); the answer to the post is read
            first. Any failure falls back to asking for the next invocation on its own."""
            try:
                _connection.send("POST", _BASE + path, body, headers)
                _connection.send("GET", _BASE + "invocation/next")
                _connection.receive()
                return _connection.receive()
            except OSError:
                _connection.close()
                return _call("GET", "invocation/next")
        def _error_body(error_type, message, stack, request_id=None):
            body = {"errorMessage": message, "errorType": error_type}
            if request_id is not None:
                body["requestId"] = request_id
            body["stackTrace"] = stack
            return json.dumps(body, ensure_ascii=False).encode("utf-8")


        def _frames(tb):
            return [line for line in traceback.format_list(
                [frame for frame in traceback.extract_tb(tb) if os.path.abspath(frame.filename) != _THIS_FILE])]


        def _log_error(error_type, message, stack):
            text = "[ERROR] %s: %s\rTraceback (most recent call last):\r%s" % (
                error_type, message, "".join(stack).replace("\n", "\r"))
            sys.stdout.write(text.rstrip("\r") + "\n")


        def _init_error(error_type, message, stack=None):
            sys.stdout.write("LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
                             "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
                             "For functions using managed runtimes, runtime updates can be triggered by a function change, "
                             "or can be applied automatically. To determine if the runtime has been updated, check the runtime "
                             "version in the INIT_START log entry. If this error correlates with a change in the runtime version, "
                             "you may be able to mitigate this error by temporarily rolling back to the previous runtime version. "
                             "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\n")
            _log_error(error_type, message, stack or [])
            _call("POST", "init/error", _error_body(error_type, message, stack or [], ""),
                  {"Lambda-Runtime-Function-Error-Type": error_type, "Content-Type": "application/json"})
            sys.exit(1)


        class _RequestIdFilter(logging.Filter):
            def filter(self, record):
                record.aws_request_id = _request_id
                return True


        def _set_up_logging():
            handler = logging.StreamHandler(sys.stdout)
            formatter = logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
            formatter.converter = time.gmtime
            handler.setFormatter(formatter)
            handler.addFilter(_RequestIdFilter())
            handler.terminator = ""
            root = logging.getLogger()
            for existing in list(root.handlers):
                root.removeHandler(existing)
            root.addHandler(handler)
            level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
            if level:
                root.setLevel(level.upper())


        class LambdaContext:
            def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context, identity):
                self.aws_request_id = request_id
                self.invoked_function_arn = invoked_function_arn
                self.function_name = _FUNCTION_NAME
                self.function_version = _FUNCTION_VERSION
                self.memory_limit_in_mb = _MEMORY_SIZE
                self.log_group_name = _LOG_GROUP
                self.log_stream_name = _LOG_STREAM
                self.client_context = json.loads(client_context) if client_context else None
                self.identity = json.loads(identity) if identity else None
                self._deadline_ms = deadline_ms

            def get_remaining_time_in_millis(self):
                return max(0, self._deadline_ms - int(time.time() * 1000))

            def log(self, message):
                sys.stdout.write(str(message))

            def __repr__(self):
                return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
                        "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])" % (
                            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
                            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
                            self.client_context, self.identity))


        def _default(value):
            if isinstance(value, decimal.Decimal):
                return float(value) if value % 1 else int(value)
            raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


        def _load_handler(name):
            try:
                module_name, function_name = name.rsplit(".", 1)
            except ValueError as error:
                _init_error("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (name, error))
            # A module path names a file below the code directory: no absolute path, no '..',
            # no empty part (importlib would take leading dots for a relative import).
            parts = module_name.split("/")
            if not function_name or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
                _init_error("Runtime.MalformedHandlerName",
                            "Bad handler '%s': the module must be a path below the code directory (module.function)" % name)
            module_name = module_name.replace("/", ".")
            if module_name in sys.builtin_module_names:
                _init_error("Runtime.BuiltInModuleConflict", "Cannot use built-in module %s as a handler module" % module_name)
            try:
                module = importlib.import_module(module_name)
            except ImportError as error:
                _init_error("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, error))
            except SyntaxError as error:
                trace = ['  File "%s" Line %s\n    %s\n' % (error.filename, error.lineno, (error.text or "").strip())]
                _init_error("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, error), trace)
            except SystemExit:
                raise
            except BaseException as error:
                stack = traceback.format_list(traceback.extract_tb(error.__traceback__))
                _init_error(type(error).__name__, str(error), stack)
            handler = getattr(module, function_name, None)
            if handler is None:
                _init_error("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
            return handler


        def main():
            global _request_id
            task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
            if task_root not in sys.path:
                sys.path.insert(0, task_root)
            # One write per line printed (not two, as unbuffered output makes `print` do),
            # flushed before every request to the Runtime API.
            sys.stdout = io.TextIOWrapper(
                io.BufferedWriter(io.FileIO(1, "w", closefd=False), 1 << 16),
                encoding=sys.stdout.encoding, errors=sys.stdout.errors, line_buffering=True)
            _set_up_logging()
            handler = _load_handler(os.environ.get("_HANDLER", ""))
            status, headers, body = _call("GET", "invocation/next")
            while True:
                if status != 200:
                    sys.stdout.write("runtime: invocation/next answered %d\n" % status)
                    sys.exit(1)
                request_id = headers.get("lambda-runtime-aws-request-id", "")
                _request_id = request_id
                trace_id = headers.get("lambda-runtime-trace-id")
                if trace_id:
                    os.environ["_X_AMZN_TRACE_ID"] = trace_id
                elif "_X_AMZN_TRACE_ID" in os.environ:
                    del os.environ["_X_AMZN_TRACE_ID"]
                context = LambdaContext(
                    request_id, int(headers.get("lambda-runtime-deadline-ms", "0")),
                    headers.get("lambda-runtime-invoked-function-arn"), headers.get("lambda-runtime-client-context"),
                    headers.get("lambda-runtime-cognito-identity"))
                path = "invocation/" + request_id
                try:
                    content_type = headers.get("content-type", "application/json")
                    if content_type.startswith("application/json"):
                        try:
                            event = json.loads(body.decode("utf-8")) if body else {}
                        except Exception as error:
                            raise _Failure("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % error)
                    else:
                        event = body
                    result = handler(event, context)
                    if isinstance(result, (bytes, bytearray)):
                        payload, result_type = bytes(result), "application/unknown"
                    else:
                        try:
                            payload = json.dumps(result, default=_default, ensure_ascii=False).encode("utf-8")
                        except Exception as error:
                            raise _Failure("Runtime.MarshalError", "Unable to marshal response: %s" % error)
                        result_type = "application/json"
                    answer = (path + "/response", payload, {"Content-Type": result_type})
                except _Failure as failure:
                    _log_error(failure.error_type, failure.message, [])
                    answer = (path + "/error", _error_body(failure.error_type, failure.message, [], request_id),
                              {"Lambda-Runtime-Function-Error-Type": failure.error_type, "Content-Type": "application/json"})
                except Exception as error:
                    error_type = type(error).__name__
                    stack = _frames(error.__traceback__)
                    _log_error(error_type, str(error), stack)
                    answer = (path + "/error", _error_body(error_type, str(error), stack, request_id),
                              {"Lambda-Runtime-Function-Error-Type": error_type, "Content-Type": "application/json"})
                status, headers, body = _answer_and_next(*answer)


        class _Failure(Exception):
            def __init__(self, error_type, message):
                Exception.__init__(self, message)
                self.error_type = error_type
                self.message = message


        if __name__ == "__main__":
            main()

        """#
}
